from models import Document, Folder

print(Document("readme"), Folder("docs"))
