def configure(): pass
