import socket


async def ping(host):
    sock = socket.socket()
    sock.connect((host, 80))  # expect: AG104:5
    return socket.create_connection((host, 80))  # expect: AG104:12
