from app.shapes import Shape, Square

print(Shape, Square)
