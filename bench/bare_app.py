"""The baseline: a bare FastAPI endpoint returning a small JSON object."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/item")
def read_item() -> dict[str, object]:
    """Return a constant small object."""
    return {"id": 42, "name": "baseline", "ok": True}
