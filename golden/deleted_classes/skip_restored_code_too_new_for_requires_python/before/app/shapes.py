class Square:
    side = 1
