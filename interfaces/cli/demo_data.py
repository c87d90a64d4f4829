"""The demo district's content: XX区's committees, units, people, platforms, matters,
consultations and problem list, read from demo_district.json beside this module into the plain
values `demo.py` turns into commands.

In the file each record is written by its field names and each vocabulary by its stable code;
moments are Beijing time in 2026, written "MM-DD HH:MM"; due dates are ISO dates."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any, NamedTuple

from domain import vocabulary as v

Raw = dict[str, Any]  # a record as the JSON file writes it


class Matter(NamedTuple):
    """A matter and how far it has come. `fate` names a path in demo.FATES."""

    no: int
    platform: str
    channel: v.Channel
    category: v.Category
    proposed: str
    title: str
    content: str
    proposer: tuple[str, str, str]  # name, phone, organisation
    fate: str
    situation: str = ""
    tickets: tuple[str, ...] = ()
    drafted: str = ""
    member: str = ""  # person key of the proposer picked from the roster, if a member


class Held(NamedTuple):
    at: str
    attendees: tuple[int, ...]  # indexes into the meeting's participants
    record: str
    opinions: tuple[str, ...]
    suggestions: tuple[str, ...]


class Reporting(NamedTuple):
    at: str
    kind: v.ReportKind
    reference: str
    summary: str
    signers: tuple[str, ...] = ()  # person keys of the members who drafted or co-signed it


class Opinion(NamedTuple):
    at: str
    via: str  # actor key of the channel: sys:app or sys:wechat
    author: str
    content: str
    author_person: str = ""  # person key of the author picked from the roster, if a member


class Invited(NamedTuple):
    kind: v.ParticipantKind
    name: str
    organisation: str
    person: str = ""  # person key, when picked from the roster


class Meeting(NamedTuple):
    key: str
    form: v.ConsultationForm
    platform: str
    scheduled: str
    starts: str
    topic: int | None = None
    theme: str = ""
    closes: str = ""
    venue: str = ""
    participants: tuple[Invited, ...] = ()
    notified: str = ""
    notice: str = ""
    held: Held | None = None
    reports: tuple[Reporting, ...] = ()
    cancelled: tuple[str, str] | None = None  # when, reason
    opinions: tuple[Opinion, ...] = ()


class Assignment(NamedTuple):
    at: str
    unit: str
    committee: str
    supervisor: str
    due: str  # ISO date or ""
    reason: str = ""


class Progress(NamedTuple):
    at: str
    unit: str
    progress: str
    problems: str
    approach: str


class Item(NamedTuple):
    no: int
    meeting: str
    suggestion: int  # index into the meeting's suggestions
    opened: str
    assigned: Assignment | None = None
    progress: tuple[Progress, ...] = ()
    reassigned: Assignment | None = None
    resolved: tuple[str, str] | None = None  # when, outcome
    reopened: tuple[str, str] | None = None  # when, reason
    followers: tuple[str, ...] = ()  # person keys of the members who follow it (跟踪督办)


def _proposer(p: Raw) -> tuple[str, str, str]:
    return (p["name"], p["phone"], p["organisation"])


def _matter(m: Raw) -> Matter:
    proposer = _RAW["hotline"] if m["proposer"] == "hotline" else m["proposer"]
    return Matter(
        **m
        | {
            "channel": v.Channel.parse(m["channel"]),
            "category": v.Category.parse(m["category"]),
            "proposer": _proposer(proposer),
            "member": proposer.get("person", ""),
            "tickets": tuple(m.get("tickets", ())),
        }
    )


def _held(h: Raw) -> Held:
    return Held(
        h["at"],
        tuple(h["attendees"]),
        h["record"],
        tuple(h["opinions"]),
        tuple(h["suggestions"]),
    )


def _meeting(m: Raw) -> Meeting:
    return Meeting(
        **m
        | {
            "form": v.ConsultationForm.parse(m["form"]),
            "participants": tuple(
                Invited(**p | {"kind": v.ParticipantKind.parse(p["kind"])})
                for p in m.get("participants", ())
            ),
            "held": _held(m["held"]) if "held" in m else None,
            "reports": tuple(
                Reporting(
                    **r
                    | {
                        "kind": v.ReportKind.parse(r["kind"]),
                        "signers": tuple(r.get("signers", ())),
                    }
                )
                for r in m.get("reports", ())
            ),
            "cancelled": _pair(m.get("cancelled"), "reason"),
            "opinions": tuple(Opinion(**o) for o in m.get("opinions", ())),
        }
    )


def _item(i: Raw) -> Item:
    return Item(
        **i
        | {
            "assigned": Assignment(**i["assigned"]) if "assigned" in i else None,
            "progress": tuple(Progress(**p) for p in i.get("progress", ())),
            "reassigned": Assignment(**i["reassigned"]) if "reassigned" in i else None,
            "resolved": _pair(i.get("resolved"), "outcome"),
            "reopened": _pair(i.get("reopened"), "reason"),
            "followers": tuple(i.get("followers", ())),
        }
    )


def _pair(record: Raw | None, what: str) -> tuple[str, str] | None:
    """A moment and its text (a cancellation's reason, a resolution's outcome), if any."""
    return (record["at"], record[what]) if record else None


_RAW: Raw = json.loads(
    files(__package__ or "interfaces.cli").joinpath("demo_district.json").read_text("utf-8")
)

DISTRICT: str = _RAW["district"]
RECIPIENT: str = _RAW["recipient"]

# ---------------------------------------------------------------- reference data

COMMITTEES = tuple((c["key"], c["name"]) for c in _RAW["committees"])
UNITS = tuple((u["key"], u["name"], v.UnitKind.parse(u["kind"])) for u in _RAW["units"])
PEOPLE = tuple((p["key"], p["name"], p["position"]) for p in _RAW["people"])
PLATFORMS = tuple(  # key, name, kind, hall venue, guiding committee, responsible person
    (
        p["key"],
        p["name"],
        v.PlatformKind.parse(p["kind"]),
        p["hall"],
        p["committee"],
        p["responsible"],
    )
    for p in _RAW["platforms"]
)
RESPONSIBLE_CHANGES = tuple(  # platform, new person, when, reason
    (c["platform"], c["person"], c["at"], c["reason"]) for c in _RAW["responsible_changes"]
)
HALL_MOVES = tuple((m["platform"], m["hall"], m["at"]) for m in _RAW["hall_moves"])
MEMBERS = tuple(  # person, 界别, platform, when enrolled (委员)
    (m["person"], m["sector"], m["platform"], m["at"]) for m in _RAW["members"]
)

# Who acts: key -> (actor id, name, role, key of the scope's id or "")
ACTORS = {
    key: (a["id"], a["name"], v.Role.parse(a["role"]), a["scope"])
    for key, a in _RAW["actors"].items()
}
# Who the demo offers a ready token for, one per role: (actor key)
SIGN_INS = tuple(_RAW["sign_ins"])
# A platform's designated person acts as its staff: (platform, from when, actor key)
STAFF = tuple((s["platform"], s["since"], s["actor"]) for s in _RAW["staff"])

# ---------------------------------------------------------------- matters and topics

HOTLINE = _proposer(_RAW["hotline"])
MATTERS = tuple(_matter(m) for m in _RAW["matters"])
EXCLUSIONS = {  # matter no -> ground, explanation
    int(no): (v.ExclusionGround.parse(e["ground"]), e["explanation"])
    for no, e in _RAW["exclusions"].items()
}
REVERSALS = {int(no): reason for no, reason in _RAW["reversals"].items()}  # matter no -> reason
RETURNS = {  # matter no -> reason, redrafted title ("" = not resubmitted)
    int(no): (r["reason"], r["redrafted"]) for no, r in _RAW["returns"].items()
}
APPROVALS = tuple(_RAW["approvals"])
RESEARCH = tuple(  # matter no, when, findings, person keys of the members who joined
    (r["matter"], r["at"], r["findings"], tuple(r.get("researchers", ()))) for r in _RAW["research"]
)

# ---------------------------------------------------------------- consultations and problem list

MEETINGS = tuple(_meeting(m) for m in _RAW["meetings"])
ITEMS = tuple(_item(i) for i in _RAW["items"])
