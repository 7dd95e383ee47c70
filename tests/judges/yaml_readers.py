"""Reads YAML files with a YAML 1.1 reader (PyYAML, like GitLab's Ruby Psych) or a YAML 1.2
reader (ruamel.yaml, pure Python) and prints the document as ASCII JSON, so the Rust round-trip
test sees exactly what each reader made of every value (one JSON array, a document per file). Non-JSON values (dates, times) come out
as {"$not-json": "<type>: <repr>"} so a changed type can never pass as a string."""

import json
import sys


def main():
    reader, paths = sys.argv[1], sys.argv[2:]
    if reader == "yaml1.1":
        import yaml

        load = yaml.safe_load
    elif reader == "yaml1.2":
        from ruamel.yaml import YAML

        load = YAML(typ="safe", pure=True).load
    else:
        sys.exit(f"unknown reader {reader!r}: use yaml1.1 or yaml1.2")
    docs = []
    for path in paths:
        with open(path, "rb") as f:
            docs.append(load(f.read()))

    def not_json(o):
        return {"$not-json": f"{type(o).__name__}: {o!r}"}

    sys.stdout.write(json.dumps(docs, ensure_ascii=True, default=not_json))


main()
