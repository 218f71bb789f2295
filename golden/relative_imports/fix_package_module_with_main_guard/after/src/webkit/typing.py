ANY = object()
