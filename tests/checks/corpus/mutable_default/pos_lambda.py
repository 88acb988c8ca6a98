collect = lambda value, bucket=[]: bucket.append(value) or bucket  # expect: AG101:32
