# corpus-path: api/endpoints.py
from rest_framework.views import APIView
from rest_framework.response import Response

from api.models import Order


class OrderList(APIView):
    def post(self, request):  # expect: AG107:5
        order = Order.objects.create(owner=request.user, total=request.data["total"])
        return Response({"id": order.id})

    def get_queryset(self):
        for order in Order.objects.all():
            order.touch()
