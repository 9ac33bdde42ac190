"""The allure-results format as Allure reads it: a checker of one results folder.

Allure publishes no JSON schema for its results; its model is the classes every
adapter writes (allure-java's `io.qameta.allure.model`, allure-python-commons'
`model2`): a `TestResult` with uuid, historyId, testCaseId, fullName, name,
titlePath, status, statusDetails, stage, description, steps, attachments,
parameters, labels, links, start and stop (epoch milliseconds); a step has the
same executable fields; an attachment names a file of the folder and its media
type. The checker below holds a results folder to that model, field by field,
and returns every problem it finds, so a test can assert there are none.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["STATUSES", "check_allure_dir", "load_results"]

STATUSES = {"passed", "failed", "broken", "skipped", "unknown"}
STAGES = {"scheduled", "running", "finished", "pending", "interrupted"}
EXECUTABLE = {"name", "status", "statusDetails", "stage", "description", "descriptionHtml", "steps", "attachments",
              "parameters", "start", "stop"}
RESULT = EXECUTABLE | {"uuid", "historyId", "testCaseId", "fullName", "labels", "links", "titlePath"}
STEP = EXECUTABLE | {"id"}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MEDIA = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")


def load_results(directory: Path) -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*-result.json"))]


def _strings(value: object, keys: tuple[str, ...], where: str, problems: list[str]) -> None:
    if not isinstance(value, dict):
        problems.append(f"{where}: not an object")
        return
    for key in keys:
        if not isinstance(value.get(key), str):
            problems.append(f"{where}: {key} is not a string")


def _executable(item: dict, where: str, directory: Path, problems: list[str], allowed: set[str]) -> None:
    extra = set(item) - allowed
    if extra:
        problems.append(f"{where}: fields Allure's model does not have: {sorted(extra)}")
    if not isinstance(item.get("name"), str) or not item["name"]:
        problems.append(f"{where}: no name")
    if item.get("status") not in STATUSES:
        problems.append(f"{where}: status {item.get('status')!r} is not one of {sorted(STATUSES)}")
    if "stage" in item and item["stage"] not in STAGES:
        problems.append(f"{where}: stage {item['stage']!r}")
    start, stop = item.get("start"), item.get("stop")
    if not (isinstance(start, int) and isinstance(stop, int) and 0 < start <= stop):
        problems.append(f"{where}: start/stop are not epoch milliseconds in order ({start}, {stop})")
    elif start < 10**12:
        problems.append(f"{where}: start {start} is in seconds, not milliseconds")
    details = item.get("statusDetails")
    if details is not None:
        if not isinstance(details, dict):
            problems.append(f"{where}: statusDetails is not an object")
        else:
            for key, value in details.items():
                if key in ("message", "trace") and not isinstance(value, str):
                    problems.append(f"{where}: statusDetails.{key} is not a string")
                elif key in ("known", "muted", "flaky") and not isinstance(value, bool):
                    problems.append(f"{where}: statusDetails.{key} is not a boolean")
                elif key not in ("message", "trace", "known", "muted", "flaky"):
                    problems.append(f"{where}: statusDetails.{key} is not in Allure's model")
    for name in ("steps", "attachments", "parameters"):
        if not isinstance(item.get(name, []), list):
            problems.append(f"{where}: {name} is not a list")
    for index, attachment in enumerate(item.get("attachments", [])):
        spot = f"{where}: attachment {index}"
        _strings(attachment, ("name", "source", "type"), spot, problems)
        if isinstance(attachment, dict) and isinstance(attachment.get("source"), str):
            if not (directory / attachment["source"]).is_file():
                problems.append(f"{spot}: its source {attachment['source']} is not in the folder")
            if not MEDIA.match(attachment.get("type") or ""):
                problems.append(f"{spot}: type {attachment.get('type')!r} is not a media type")
    for index, parameter in enumerate(item.get("parameters", [])):
        _strings(parameter, ("name", "value"), f"{where}: parameter {index}", problems)
    for index, step in enumerate(item.get("steps", [])):
        spot = f"{where} > step {index + 1}"
        if not isinstance(step, dict):
            problems.append(f"{spot}: not an object")
            continue
        _executable(step, spot, directory, problems, STEP)
        if isinstance(start, int) and isinstance(step.get("start"), int) and step["start"] < start:
            problems.append(f"{spot}: starts before its scenario")


def check_allure_dir(directory: Path) -> list[str]:
    """Every way the folder departs from the results format Allure reads; empty when it holds."""
    problems: list[str] = []
    uuids: set[str] = set()
    results = sorted(directory.glob("*-result.json"))
    if not results:
        return [f"{directory}: no *-result.json"]
    referenced: set[str] = set()
    for path in results:
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            problems.append(f"{path.name}: not JSON ({error})")
            continue
        where = path.name
        if not isinstance(result.get("uuid"), str) or not UUID.match(result["uuid"]):
            problems.append(f"{where}: uuid {result.get('uuid')!r} is not a UUID")
        elif path.name != f"{result['uuid']}-result.json":
            problems.append(f"{where}: the file is not named after its uuid")
        elif result["uuid"] in uuids:
            problems.append(f"{where}: uuid used twice")
        else:
            uuids.add(result["uuid"])
        for key in ("historyId", "testCaseId", "fullName"):
            if not isinstance(result.get(key), str) or not result[key]:
                problems.append(f"{where}: no {key}")
        _executable(result, where, directory, problems, RESULT)
        for index, label in enumerate(result.get("labels", [])):
            _strings(label, ("name", "value"), f"{where}: label {index}", problems)
        for index, link in enumerate(result.get("links", [])):
            _strings(link, ("name", "url", "type"), f"{where}: link {index}", problems)
        if not all(isinstance(part, str) for part in result.get("titlePath", [])):
            problems.append(f"{where}: titlePath is not a list of strings")

        def sources(item: dict) -> None:
            referenced.update(a["source"] for a in item.get("attachments", []) if isinstance(a, dict) and "source" in a)
            for step in item.get("steps", []):
                sources(step)

        sources(result)
    orphans = sorted(p.name for p in directory.glob("*-attachment.*") if p.name not in referenced)
    if orphans:
        problems.append(f"attachments no result names: {orphans}")
    categories = directory / "categories.json"
    if categories.exists():
        data = json.loads(categories.read_text(encoding="utf-8"))
        for category in data:
            if not isinstance(category.get("name"), str) or not set(category.get("matchedStatuses", [])) <= STATUSES:
                problems.append(f"categories.json: {category!r}")
            re.compile(category.get("messageRegex", ".*"))
    return problems
