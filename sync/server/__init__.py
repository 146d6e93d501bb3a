"""The central sync server: FastAPI app, SQLAlchemy store (SQLite or PostgreSQL), auth, admin CLI."""
