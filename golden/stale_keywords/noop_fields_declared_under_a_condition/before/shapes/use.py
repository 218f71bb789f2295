from shapes.ranges import Span

WHOLE = Span(0, 10, bounds="[]")
