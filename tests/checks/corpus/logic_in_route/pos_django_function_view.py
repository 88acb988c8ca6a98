# corpus-path: hc/front/views.py
from django.http import HttpResponse


def pause(request, code):  # expect: AG107:1
    for check in request.project.checks():
        check.status = "paused"
        check.save()
    return HttpResponse(status=204)
