"""A reviewer working through doccano's REST API, as the browser does (tests only)."""

from __future__ import annotations

import requests


class DoccanoReviewer:
    """Logs in like the web UI and edits one project's examples."""

    def __init__(self, url: str, username: str, password: str) -> None:
        self.api = f"{url}/v1"
        self.session = requests.Session()
        response = self.session.post(f"{self.api}/auth/login/", json={"username": username, "password": password},
                                     timeout=30)
        response.raise_for_status()
        self.session.headers.update({"X-CSRFToken": self.session.cookies.get("csrftoken"), "Referer": url})

    def _get(self, path: str, **params) -> dict | list:
        response = self.session.get(f"{self.api}/{path}", params=params, timeout=30)
        response.raise_for_status()
        return response.json()

    def _post(self, path: str, payload: dict) -> dict:
        response = self.session.post(f"{self.api}/{path}", json=payload, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else {}

    def _delete(self, path: str) -> None:
        self.session.delete(f"{self.api}/{path}", timeout=30).raise_for_status()

    def project_id(self, name: str) -> int:
        projects = self._get("projects", limit=1000)
        projects = projects["results"] if isinstance(projects, dict) else projects
        return next(p["id"] for p in projects if p["name"] == name)

    def examples(self, project_id: int) -> list[dict]:
        return self._get(f"projects/{project_id}/examples", limit=1000)["results"]

    def example_id(self, project_id: int, doc_id: str) -> int:
        (found,) = [e["id"] for e in self.examples(project_id) if e["meta"].get("doc_id") == doc_id]
        return found

    def _types(self, project_id: int, kind: str) -> dict[str, int]:
        return {t["text"]: t["id"] for t in self._get(f"projects/{project_id}/{kind}-types")}

    def spans(self, project_id: int, example_id: int) -> list[dict]:
        """Spans with their label name under `label_text`."""
        names = {v: k for k, v in self._types(project_id, "span").items()}
        spans = self._get(f"projects/{project_id}/examples/{example_id}/spans")
        return [{**s, "label_text": names[s["label"]]} for s in spans]

    def find_span(self, project_id: int, example_id: int, label: str, start: int, end: int) -> int:
        (found,) = [s["id"] for s in self.spans(project_id, example_id)
                    if (s["label_text"], s["start_offset"], s["end_offset"]) == (label, start, end)]
        return found

    def add_span(self, project_id: int, example_id: int, label: str, start: int, end: int) -> int:
        label_id = self._types(project_id, "span")[label]
        return self._post(f"projects/{project_id}/examples/{example_id}/spans",
                          {"label": label_id, "start_offset": start, "end_offset": end})["id"]

    def delete_span(self, project_id: int, example_id: int, span_id: int) -> None:
        self._delete(f"projects/{project_id}/examples/{example_id}/spans/{span_id}")

    def relations(self, project_id: int, example_id: int) -> list[dict]:
        names = {v: k for k, v in self._types(project_id, "relation").items()}
        relations = self._get(f"projects/{project_id}/examples/{example_id}/relations")
        return [{**r, "type_text": names[r["type"]]} for r in relations]

    def add_relation(self, project_id: int, example_id: int, from_id: int, to_id: int, kind: str) -> int:
        type_id = self._types(project_id, "relation")[kind]
        return self._post(f"projects/{project_id}/examples/{example_id}/relations",
                          {"from_id": from_id, "to_id": to_id, "type": type_id})["id"]

    def delete_relation(self, project_id: int, example_id: int, relation_id: int) -> None:
        self._delete(f"projects/{project_id}/examples/{example_id}/relations/{relation_id}")

    def confirm(self, project_id: int, example_id: int) -> None:
        """Press the confirm button (it toggles; call it on an unconfirmed example)."""
        self._post(f"projects/{project_id}/examples/{example_id}/states", {})
