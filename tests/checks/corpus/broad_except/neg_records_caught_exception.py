def import_rows(rows, insert):
    errors = []
    for row in rows:
        try:
            insert(row)
        except Exception as exc:
            errors.append({"row": row, "error": str(exc)})
    return errors
