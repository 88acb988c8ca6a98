from fastapi import FastAPI

from app.services import audit, billing, mail

app = FastAPI()


@app.post("/close")
def close_account(account_id: int) -> dict:  # expect: AG107:1
    # Thirteen steps the handler orchestrates itself: a service's job.
    billing.stop(account_id)
    billing.refund(account_id)
    mail.goodbye(account_id)
    mail.unsubscribe(account_id)
    audit.record("closed", account_id)
    audit.flush()
    billing.archive(account_id)
    mail.archive(account_id)
    audit.archive(account_id)
    billing.notify(account_id)
    mail.notify(account_id)
    audit.notify(account_id)
    billing.done(account_id)
    return {"closed": account_id}
