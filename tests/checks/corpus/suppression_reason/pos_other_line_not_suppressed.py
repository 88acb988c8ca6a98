# corpus-checks: print-call
def main():
    # agent-guard: ignore[print-call] a comment on its own line covers only itself  # expect: AG109:5
    print("report")  # expect: AG102:5
