from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app import tag

router = APIRouter()


@router.get("/about", response_class=HTMLResponse)
def about() -> str:
    page = tag.html()
    with page:
        with tag.head():
            tag.title("About")
        with tag.body():
            tag.h1("About us")
            tag.p("We make things.")
            tag.p("Since 2001.")
            tag.p("In three cities.")
            tag.a("Contact", href="/contact")
            tag.footer("(c) us")
    return page.render()
