"""The event taxonomy (ACLED- and PLOVER-aligned), defined once as data.

Two levels: a category (one map layer, one colour) and a sub-type (one icon, one PLOVER code, one
ACLED event_type / sub_event_type or ``outside_acled_scope``). Maps, legends, exports and the API
read everything from here. Source: shared/design/TAXONOMY.md.
"""

from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("occurred", "planned", "threatened", "claimed", "denied", "intercepted")
OUTSIDE_ACLED = "outside_acled_scope"


@dataclass(frozen=True, slots=True)
class Category:
    key: str
    label: str
    colour: str  # hex, colour-blind-safe palette (Okabe-Ito and Tol)


@dataclass(frozen=True, slots=True)
class SubType:
    code: str
    category: str
    label: str
    icon: str  # Font Awesome 4 name, as folium's Icon uses
    plover: str
    acled_event_type: str
    acled_sub_event_type: str
    contexts: tuple[str, ...] = ()

    @property
    def acled_in_scope(self) -> bool:
        return self.acled_event_type != OUTSIDE_ACLED


CATEGORIES: dict[str, Category] = {c.key: c for c in (
    Category("diplomacy", "Diplomacy", "#0072B2"),
    Category("strike", "Strikes", "#D55E00"),
    Category("combat", "Ground combat", "#882255"),
    Category("military", "Military posture", "#44AA99"),
    Category("territory", "Territory", "#CC79A7"),
    Category("civilians", "Civilians", "#E69F00"),
    Category("unrest", "Unrest", "#F0E442"),
    Category("coercion", "Coercion", "#56B4E9"),
    Category("support", "Support", "#009E73"),
    Category("other", "Other", "#777777"),
)}

_ERV = "Explosions/Remote violence"
_SD = "Strategic developments"

SUBTYPES: dict[str, SubType] = {s.code: s for s in (
    SubType("diplomacy.summit", "diplomacy", "Summit / diplomatic meeting", "handshake-o",
            "CONSULT:multilateral", OUTSIDE_ACLED, OUTSIDE_ACLED, ("diplomatic",)),
    SubType("diplomacy.agreement", "diplomacy", "Agreement / ceasefire / treaty", "file-text-o",
            "SUPPORT", _SD, "Agreement", ("diplomatic",)),
    SubType("diplomacy.demand", "diplomacy", "Demand / appeal / ultimatum", "bullhorn",
            "REQUEST", OUTSIDE_ACLED, OUTSIDE_ACLED, ("diplomatic",)),
    SubType("diplomacy.condemnation", "diplomacy", "Condemnation / accusation", "thumbs-down",
            "ACCUSE", OUTSIDE_ACLED, OUTSIDE_ACLED, ("diplomatic",)),
    SubType("diplomacy.rejection", "diplomacy", "Rejection / refusal", "ban",
            "REJECT", OUTSIDE_ACLED, OUTSIDE_ACLED, ("diplomatic",)),
    SubType("strike.drone", "strike", "Drone strike", "paper-plane",
            "ASSAULT:drone", _ERV, "Air/drone strike", ("military",)),
    SubType("strike.air", "strike", "Air strike (manned aircraft)", "plane",
            "ASSAULT:aerial", _ERV, "Air/drone strike", ("military",)),
    SubType("strike.missile_artillery", "strike", "Missile / rocket / artillery / shelling", "rocket",
            "ASSAULT:heavy-weapons", _ERV, "Shelling/artillery/missile attack", ("military",)),
    SubType("strike.explosive", "strike", "IED / landmine / remote explosive / grenade", "bomb",
            "ASSAULT:explosives", _ERV, "Remote explosive/landmine/IED", ("military",)),
    SubType("strike.suicide", "strike", "Suicide bombing", "fire",
            "ASSAULT:suicide-attack", _ERV, "Suicide bomb", ("military",)),
    SubType("strike.chemical", "strike", "Chemical / CBRN use", "flask",
            "ASSAULT:unconventional", _ERV, "Chemical weapon", ("military", "cbrn")),
    SubType("strike.intercepted", "strike", "Drone or missile intercepted", "shield",
            "ASSAULT", _SD, "Disrupted weapons use", ("military",)),
    SubType("combat.clash", "combat", "Armed clash", "crosshairs",
            "ASSAULT", "Battles", "Armed clash", ("military",)),
    SubType("combat.territory_taken", "combat", "Territory captured or retaken", "flag",
            "ASSAULT", "Battles", "Government regains territory", ("military", "territory")),
    SubType("military.intervention", "military", "Foreign military intervention", "fighter-jet",
            "MOBILIZE:troops", _SD, "Change to group/activity", ("military",)),
    SubType("military.deployment", "military", "Troop or weapons build-up, exercise", "truck",
            "MOBILIZE:troops", _SD, "Change to group/activity", ("military",)),
    SubType("military.base", "military", "Base, hub or HQ established", "building",
            "MOBILIZE:troops", _SD, "Headquarters or base established", ("military",)),
    SubType("military.blockade", "military", "Blockade / movement restriction", "road",
            "COERCE:restrict", _SD, "Other", ("military",)),
    SubType("territory.claim", "territory", "Territorial dispute / sovereignty claim", "map-marker",
            "THREATEN:territory", OUTSIDE_ACLED, OUTSIDE_ACLED, ("territory",)),
    SubType("territory.transfer", "territory", "Annexation / non-violent transfer", "exchange",
            "COERCE:seize", _SD, "Non-violent transfer of territory", ("territory",)),
    SubType("civilians.attack", "civilians", "Attack on civilians", "user-times",
            "ASSAULT", "Violence against civilians", "Attack", ("human-rights",)),
    SubType("civilians.abduction", "civilians", "Abduction / forced disappearance", "user-secret",
            "ASSAULT:abduct", "Violence against civilians", "Abduction/forced disappearance", ("human-rights",)),
    SubType("civilians.sexual_violence", "civilians", "Sexual violence", "exclamation-triangle",
            "ASSAULT:sexual", "Violence against civilians", "Sexual violence", ("human-rights",)),
    SubType("unrest.protest", "unrest", "Protest", "users",
            "PROTEST:demo", "Protests", "Peaceful protest", ("political",)),
    SubType("unrest.riot", "unrest", "Riot / mob violence", "fire-extinguisher",
            "PROTEST:riot", "Riots", "Violent demonstration", ("political",)),
    SubType("coercion.sanction", "coercion", "Sanctions / reduced relations", "lock",
            "SANCTION", OUTSIDE_ACLED, OUTSIDE_ACLED, ("economic",)),
    SubType("coercion.arrest", "coercion", "Arrests / detentions", "gavel",
            "COERCE:arrest", _SD, "Arrests", ("legal",)),
    SubType("coercion.destruction", "coercion", "Looting / property destruction", "chain-broken",
            "COERCE:seize", _SD, "Looting/property destruction", ()),
    SubType("support.military_aid", "support", "Military aid / security guarantees", "life-ring",
            "AID", OUTSIDE_ACLED, OUTSIDE_ACLED, ("military",)),
    SubType("support.cooperation", "support", "Material cooperation", "link",
            "COOPERATE", OUTSIDE_ACLED, OUTSIDE_ACLED, ("economic",)),
    SubType("other", "other", "Other / unclassified mention", "info-circle",
            "-", _SD, "Other", ()),
)}


def subtype(code: str) -> SubType:
    """The sub-type with this code; KeyError names the valid codes."""
    try:
        return SUBTYPES[code]
    except KeyError:
        raise KeyError(f"unknown event sub-type {code!r}; known: {', '.join(SUBTYPES)}") from None


def category_of(code: str) -> Category:
    return CATEGORIES[subtype(code).category]
