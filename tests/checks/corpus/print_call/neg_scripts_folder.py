# corpus-path: backend/scripts/generate_client.py
print("generating the client")
