"""Reads one YAML file with a YAML 1.1 reader (PyYAML, like GitLab's Ruby Psych) or a YAML 1.2
reader (ruamel.yaml, pure Python) and prints the document as ASCII JSON, so the Rust round-trip
test sees exactly what each reader made of every value. Non-JSON values (dates, times) come out
as {"$not-json": "<type>: <repr>"} so a changed type can never pass as a string."""

import json
import sys


def main():
    reader, path = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        data = f.read()
    if reader == "yaml1.1":
        import yaml

        doc = yaml.safe_load(data)
    elif reader == "yaml1.2":
        from ruamel.yaml import YAML

        doc = YAML(typ="safe", pure=True).load(data)
    else:
        sys.exit(f"unknown reader {reader!r}: use yaml1.1 or yaml1.2")

    def not_json(o):
        return {"$not-json": f"{type(o).__name__}: {o!r}"}

    sys.stdout.write(json.dumps(doc, ensure_ascii=True, default=not_json))


main()
