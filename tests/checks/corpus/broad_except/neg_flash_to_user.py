from flask import flash, redirect


def save_settings(form, store):
    try:
        store.save(form.data)
    except Exception:
        flash("Your settings could not be saved")
    return redirect("/settings")
