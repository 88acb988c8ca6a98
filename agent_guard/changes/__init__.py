"""What changed: the ChangeSet model and the git plumbing that builds it."""
