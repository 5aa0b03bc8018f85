import sys

sys.setrecursionlimit(1_000_000)


def descend(depth):
    print(f"depth {depth}")
    descend(depth + 1)


descend(1)
