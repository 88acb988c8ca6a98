# corpus-path: api/handlers.py
from rest_framework.decorators import api_view
from rest_framework.response import Response


@api_view(["POST"])
def close_all(request):  # expect: AG107:1
    for ticket in request.user.tickets.all():
        ticket.close()
    return Response(status=204)
