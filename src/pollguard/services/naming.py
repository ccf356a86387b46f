"""Codes turned into the names people read, from a snapshot: a TPS, a post, a reserve team, an
officer, a unit, a dispatched unit and an audit entry's subject. The API answers carry these so
that no page builds a name of its own (``pollguard.domain.names`` says how each is named).

An officer's NRP is personal data: a ``Namer`` for a reader without ``personnel:read`` names
officers by rank and name only.

Who did something (an incident step's ``by``, an audit entry's actor) is stored as written: an
officer's NRP, an account as ``Principal.actor`` ("polres (polres_ops)"), or an automatic actor
("system", "cli"). ``Namer.actors`` names each distinct one once for a whole answer."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pollguard.access.redact import redact_personal
from pollguard.domain.forces import Officer
from pollguard.domain.names import officer_name, post_name, team_name, tps_name
from pollguard.domain.plan import Post, ReserveTeam
from pollguard.i18n import translate
from pollguard.services.accounts import actor_label
from pollguard.services.snapshot import Snapshot

__all__ = ["AUTOMATIC", "MAX_DETAIL_NAMES", "Namer", "actor_name"]

MAX_DETAIL_NAMES = 50  # an entry naming hundreds of TPS (a re-vote plan) is named in part
_INCIDENT_OR_DISPATCH = re.compile(r"(incident|dispatch) \S+")
AUTOMATIC = ("system", "cli")  # actors that are no person: named by ``actor.<name>`` keys


@dataclass(frozen=True)
class Namer:
    snap: Snapshot
    personnel: bool  # the reader may see NRP

    @property
    def _posts(self) -> Mapping[str, Post]:
        return self.snap.view.posts if self.snap.plan is not None else {}

    @property
    def _teams(self) -> Mapping[str, ReserveTeam]:
        return self.snap.view.teams if self.snap.plan is not None else {}

    @property
    def _officers(self) -> Mapping[str, Officer]:
        return self.snap.view.officers if self.snap.plan is not None else {}

    def tps(self, tps_id: str) -> str:
        return tps_name(self.snap.tps, self.snap.names, tps_id)

    def post(self, post_id: str) -> str | None:
        """The post by its TPS, or None where the plan in force has no such post."""
        p = self._posts.get(post_id)
        return post_name(p, self.snap.tps, self.snap.names) if p else None

    def officer(self, nrp: str) -> str | None:
        o = self._officers.get(nrp)
        return officer_name(o, with_nrp=self.personnel) if o else None

    def actor(self, actor: str, lang: str) -> str:
        """Who did something, as a page shows it in ``lang``: "system" and "cli" in words
        ("Sistem"), an officer's NRP by rank and name (with the NRP only for readers who may
        see personnel), an account by its user and role (``actor_label``); an NRP the plan in
        force does not know stays as stored, replaced by ``[NRP]`` for other readers."""
        label = self.officer(actor) or actor_name(actor, lang)
        return label if self.personnel else redact_personal(label)

    def actors(self, actors: Iterable[str | None], lang: str) -> dict[str, str]:
        """Actor -> ``actor`` for each distinct actor of ``actors`` (None skipped): named once
        for a whole answer, however many steps or entries repeat them."""
        return {a: self.actor(a, lang) for a in set(actors) if a}

    def team(self, team_id: str) -> str | None:
        """Call sign and Danton, or None where the plan in force has no such team."""
        t = self._teams.get(team_id)
        if t is None:
            return None
        leader = self._officers.get(t.leader_nrp) if t.leader_nrp else None
        return team_name(t, leader, with_nrp=self.personnel)

    def unit(self, code: str) -> str | None:
        """A Polda, Polres or Polsek (or a region) by its name."""
        return self.snap.names.get(code)

    def dispatched(self, unit_id: str, kind: str) -> str:
        """What was sent: a team by call sign and Danton, borrowed officers by their post
        (its id only where the plan in force no longer has it)."""
        named = self.team(unit_id) if kind == "team" else self.post(unit_id)
        return named or unit_id

    def subject(self, subject: str, detail: Mapping[str, Any]) -> str | None:
        """An audit entry's subject by name: a TPS, a post (check-ins), an incident by its
        TPS, a dispatch by its unit and TPS; None where the subject names itself (a plan, an
        account, a file)."""
        if subject.startswith("TPS "):
            return self.tps(subject[4:])
        if subject in self._posts:
            return self.post(subject)
        if _INCIDENT_OR_DISPATCH.fullmatch(subject):
            tps_id = detail.get("tps_id")
            where = self.tps(tps_id) if isinstance(tps_id, str) else None
            unit, kind = detail.get("unit_id"), detail.get("kind")
            if subject.startswith("dispatch") and isinstance(unit, str):
                sent = self.dispatched(unit, str(kind))
                return f"{sent} → {where}" if where else sent
            return where
        return None

    def in_detail(self, detail: Mapping[str, Any]) -> dict[str, str]:
        """Code -> name for the codes an audit detail holds (as values, or as keys: the
        classes set per TPS), up to ``MAX_DETAIL_NAMES``."""
        out: dict[str, str] = {}
        for code in _codes(detail):
            if code in out:
                continue
            name = self._name_of(code)
            if name is not None:
                out[code] = name
                if len(out) >= MAX_DETAIL_NAMES:
                    break
        return out

    def _name_of(self, code: str) -> str | None:
        if code in self.snap.tps:
            return self.tps(code)
        return (self.post(code) or self.team(code) or self.officer(code)
                or self.unit(code))


def actor_name(actor: str, lang: str) -> str:
    """An actor that needs no scenario to be named, in ``lang``: "system" and "cli" in words,
    an account by its user and role (``actor_label``), anything else as stored."""
    if actor in AUTOMATIC:
        return translate(lang, f"actor.{actor}")
    return actor_label(actor, lang)


def _codes(value: Any) -> Iterator[str]:
    """Every string in ``value`` that may be a code: values and the keys of mappings."""
    if isinstance(value, str):
        if 0 < len(value) <= 40 and " " not in value:
            yield value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _codes(k)
            yield from _codes(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _codes(v)
