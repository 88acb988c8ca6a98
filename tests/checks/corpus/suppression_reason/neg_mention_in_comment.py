# agent-guard checks this file on every commit
VALUE = 1
