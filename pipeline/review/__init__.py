"""Review in doccano: push machine annotations, let people correct them, pull gold files.

Pure conversions (`doccano_format`, `reviewed`, `push_plan`, `report`), local files
(`documents`), the one HTTP adapter (`adapter`, run in `.venv-doccano-client` through
`remote`), the server helper (`server`) and the two commands (`workflow`, `cli`).
"""
