"""Trigger lexicon: the words that say what kind of event a sentence reports, per sub-type.

Each pattern is a regular expression over the lower-cased sentence. The lexicon is general
English news vocabulary for each taxonomy sub-type (ACLED and PLOVER codebooks), not phrases of any
one article. Order matters only to break ties between sub-types that share a trigger span.
"""

from __future__ import annotations

import re

import ahocorasick

from geo.typer import FUNCTION_WORDS

_W = r"[\w'’-]+"  # one word
_GAP = rf"(?:\s+{_W}){{0,5}}?\s+"  # up to five words in between

_RAW: dict[str, list[str]] = {
    "strike.intercepted": [r"\b(?:knocked|blown|blasted|shot)\s+(?:[\w’\'-]+\s+){0,4}out\s+of\s+the\s+sky\b", r"\bintercepted\s+(?:[\w’'-]+\s+){0,4}(?:projectiles|missiles|drones|rockets)\b", r"\bshot\s+down\s+(?:[\w’'-]+\s+){0,4}(?:missiles|drones|rockets)\b",
        rf"\b(?:intercept(?:ed|s|ing)?|shot\s+down|downed|repelled){_GAP}(?:[\w’'-]+\s+)?(?:drones?|missiles?|rockets?|uavs?)\b",
        rf"\b(?:drones?|missiles?|rockets?|uavs?){_GAP}(?:were|was|been|being)\s+(?:intercepted|shot\s+down|downed|destroyed\s+in\s+the\s+air)",
        r"\bair\s+defen[cs]es?\s+(?:intercepted|shot\s+down|downed|repelled|destroyed)",
        r"\b(?:brought|bringing)\s+down\s+(?:[\w’'-]+\s+){0,5}(?:drones?|missiles?|rockets?|uavs?)\b",
    ],
    "strike.chemical": [r"\b(?:ricin|polonium(?:-210)?)\b", r"\btoxic\s+agents?\b", r"\bchemical\s+(?:weapons?|attacks?|agents?)\b", r"\b(?:sarin|chlorine\s+gas|nerve\s+agent|mustard\s+gas|novichok)\b",
        r"\bnerve\s+agents?\b", r"\bgas\s+attacks?\b",
        r"\b(?:toxic|poison|incapacitating|nerve)\s+gas\b",
    ],
    "strike.suicide": [r"\bsuicide\s+(?:bomb(?:er|ers|ing|ings)?|attack(?:er|ers|s)?|vest|car\s+bomb(?:ing)?)\b", r"\bblew\s+(?:himself|herself|themselves)\s+up\b",
        r"\bexplosives?-(?:laden|packed|rigged)\s+(?:car|truck|vehicle|van|boat)\b", r"\bsuicide\s+(?:car|truck)\b", r"\bblew\s+(?:himself|herself|themselves)\b",
    ],
    "strike.drone": [r"\b(?:launched|fired|sent)\s+(?:[\w’'-]+\s+){0,4}drones\b",
        r"\bdrone\s+(?:strikes?|attacks?|raids?|hits?)\b",
        rf"\b(?:drones?|uavs?){_GAP}(?:hit|hits|struck|strike|strikes|attacked|attack|targeted|slammed|crashed|exploded|damaged)\b",
        r"\b(?:kamikaze|attack|suicide|long-range|explosive|exploding|unmanned)\s+drones?\b",
        r"\b(?:naval|sea|surface|fpv|loitering|shahed|bayraktar|combat|armed)\s+drones?\b", r"\b(?:drones?|uavs?)(?:[\w’'-]+\s+){0,5}(?:dived|dove|rammed|smashed|hammered|blasted|dropped|pounded|set\s+\w+\s+ablaze)\b", r"\bswarms?\s+of\s+drones\b", r"\bdrones\s+to\s+(?:drop|attack|strike|bomb|target|hit)\b", r"\bdrones?\s+(?:[\w’'-]+\s+){0,6}(?:launched|fired)\s+(?:at|against|on|toward|towards)\b",
    ],
    "strike.air": [r"\bstrikes?\s+(?:destroyed|flattened|levelled|leveled|killed)\b", r"\bjets\s+(?:struck|pounded|bombed)\b", r"\bair\s*strikes?\b", r"\bairstrikes?\b", r"\bair\s+raids?\b", r"\bwarplanes?\b", r"\bfighter\s+jets?\s+(?:struck|bombed|hit|pounded)",
                   r"\b(?:aerial\s+bombardment|bombing\s+raids?|barrel\s+bombs?)\b", r"\bbombed\b",
        r"\b(?:jets?|aircraft|bombers?|warplanes?|helicopters?|gunships?|planes)\s+(?:[\w’'-]+\s+){0,3}(?:struck|attacked|bombed|hit|pounded|strafed|dropped|fired\s+on|targeted)\b", r"\bdropped\s+(?:[\w’'-]+\s+){0,3}bombs?\b", r"\bbunker[- ]bust(?:ing|er|ers)\b", r"\bair\s+campaign\b", r"\b(?:bombing|bombings)\s+(?:of|on|raids?|campaign|runs?)\b",
    ],
    "strike.missile_artillery": [
        r"\bshell(?:ed|ing|s)?\b", r"\bartillery\b", r"\bmortars?\b", r"\bbarrage\b", r"\brocket\s+fire\b",
        rf"\b(?:missiles?|rockets?){_GAP}(?:hit|hits|struck|slammed|landed|targeted|pounded|fired)\b",
        r"\b(?:missile|rocket)\s+(?:strikes?|attacks?)\b", r"\b(?:fired|launched)\s+(?:[\w’'-]+\s+){0,3}(?:missiles?|rockets?)\b",
        r"\bpounded\b", r"\bbombard(?:ed|ment|ing)\b",
        r"\b(?:missiles?|rockets?|shells?)(?:[\w’'-]+\s+){0,5}(?:smashed|hammered|rained|tore|crashed|exploded|slammed|landed|hit)\b", r"\b(?:cruise|ballistic|hypersonic|guided|surface-to-air|anti-ship|intermediate-range|long-range)\s+missiles?\b", r"\b(?:howitzers?|grad|katyusha|himars|mlrs|multiple\s+rocket\s+launchers?)\b", r"\bmissile\s+(?:barrage|salvo|attack)s?\b", r"\bsalvos?\b", r"\bbarrages?\b",
        r"\b(?:missiles?|rockets?|shells?)\s+(?:[\w’'-]+\s+){0,3}(?:slams|hits|strikes|smashes)\b",
    ],
    "strike.explosive": [r"\b(?:car|truck|boats?|vehicle|van|minibus|motorcycle|bicycle)\s+(?:laden|packed|loaded|rigged|filled)\s+with\s+explosives\b", r"\b(?:tried|attempted|attempting|plotted|plotting)\s+to\s+blow\s+up\b", r"\bblown\s+up\b", r"\bexplo(?:ded|sions?)\b", r"\bdetonat(?:ed|ion)\b", r"\b(?:roadside|car|truck|van|parcel|pipe|letter|motorcycle|bicycle)\s+bombs?\b", r"\bimprovised\s+explosive", r"\bied\b", r"\blandmines?\b",
                         r"\bgrenades?\b", r"\bbomb\s+(?:exploded|went\s+off|blast)\b", r"\b(?:a|an)\s+(?:explosion|blast)\b", r"\bexplosive\s+device\b",
        r"\banti-(?:tank|personnel)\s+mines?\b", r"\bbombs?\s+(?:exploded|went\s+off|blasts?)\b", r"\b(?:bombs?|explosives?|devices?|grenades?|mines?)\s+(?:[\w’'-]+\s+){0,3}went\s+off\b", r"\bblasts?\s+(?:tore|ripped|hit|struck|rocked)\b", r"\bcar\s+bombs?\b", r"\bbombing\b",
        r"\b(?:bombs?|explosions?|explosives?)\s+(?:ripped|tore)\s+through\b",
    ],
    "civilians.sexual_violence": [r"\brap(?:e|ed|es|ing)\b", r"\bsexual\s+(?:violence|assault|abuse)\b",
        r"\bgang-?rap(?:e|ed|es)\b", r"\bsexual\s+slavery\b", r"\bsexually\s+(?:assaulted|abused)\b",
    ],
    "civilians.abduction": [r"\b(?:took|taken|taking|seized|held|holding|dragged)\s+(?:[\w’'-]+\s+){0,6}(?:as\s+)?hostages?\b", r"\bhijack(?:ed|ing|s)?\b", r"\bcarried\s+off\b", r"\bheld\s+captive\b", r"\bcaptives\b", r"\babduct(?:ed|ion|ions|s)?\b", r"\bkidnap(?:ped|ping|pings|s)?\b", r"\btaken\s+hostage\b", r"\bforcibly\s+disappeared\b",
        r"\bsnatched\b", r"\btaken\s+away\b", r"\bhuman\s+shields?\b", r"\bhostage-taking\b", r"\b(?:seized|held|holding)\s+(?:[\w’'-]+\s+){0,4}hostages?\b",
        r"\bseized\s+by\s+(?:[\w’'-]+\s+){0,2}(?:gunmen|militants|kidnappers|rebels|fighters|men|abductors)\b",
    ],
    "civilians.attack": [r"\bopened\s+fire\s+(?:in|at|inside|near|outside)\b", r"\bgunned\s+down\b", r"\b(?:shot|stabbed|beaten|bludgeoned|strangled|burned)\s+to\s+death\b", r"\bfired\s+on\s+(?:[\w’'-]+\s+){0,2}(?:civilians|mourners|worshippers)\b", r"\bkilled\s+(?:[\w’'-]+\s+){0,3}(?:civilians|villagers|men|women|children)\b", r"\bmassacre(?:d|s)?\b", r"\bopened\s+fire\s+on\b(?!\s+(?:[\w’'-]+\s+){0,2}(?:soldiers|troops|police|officers|gendarmes|positions|patrols?|protesters|demonstrators|crowds|marchers))", r"\bgunmen\b", r"\bexecuted\b", r"\bmass\s+shooting\b",
                         r"\bcivilians?\s+(?:were\s+|was\s+)?(?:killed|shot|attacked|wounded)\b", r"\b(?:killed|shot\s+dead|attacked)\s+(?:\d+\s+|several\s+|dozens\s+of\s+)?(?:civilians|villagers|worshippers|students|farmers)\b",
                         r"\bstabb(?:ed|ing)\b", r"\bslaughtered\b",
        r"\bshot\s+dead\b", r"\bshot\s+and\s+(?:killed|wounded|injured)\b",
        # a person shot (not an aircraft shot down): "who was shot multiple times", "fatally shot"
        r"\bshot\b(?:(?<=\bwas\sshot)|(?<=\bwere\sshot)|(?<=\bbeen\sshot)|(?<=\bbeing\sshot)|(?<=\bgot\sshot)|"
        r"(?<=\bfatally\sshot)|(?<=\bcritically\sshot))(?!\s+down)", r"\bgunn(?:ed|ing)\s+down\b", r"\bhack(?:ed|ing)\s+(?:[\w’'-]+\s+){0,3}to\s+death\b", r"\brampage\b", r"\bhouse\s+to\s+house\b", r"\bshot\s+(?:[\w’'-]+\s+){0,4}in\s+the\s+(?:head|back|chest)\b", r"\bbodies\s+of\s+(?:[\w’'-]+\s+){0,2}civilians\b", r"\bethnic\s+cleansing\b", r"\bgenocide\b", r"\bkill(?:ed|ing)\s+(?:[\w’'-]+\s+){0,4}(?:people|residents|villagers|worshippers|passengers|pupils|children)\b", r"\bassassinat(?:ed|ion)\b",
        r"\bbehead(?:ed|ing|ings)\b", r"\bexecution\s+ground\b", r"\bmass\s+graves?\b", r"\bkill(?:ed|ing)\s+(?:[\w’'-]+\s+){0,4}civilians\b", r"\bbodies\s+of\s+(?:[\w’'-]+\s+){0,3}(?:civilians|migrants|villagers|men|women|children|people)\b",
    ],
    "combat.territory_taken": [r"\bswept\s+into\b", r"\bseizing\b", r"\b(?:taken|took|take)\s+(?:full\s+)?(?:control\s+of\s+)?(?:the\s+)?(?:[\w’'-]+\s+){0,2}(?:city|town|village|capital|airport)\b", r"\bseized\b", r"\b(?:troops|forces|fighters|rebels|army)\s+entered\b", r"\bsurrendered\b", r"\btook\s+control\b", r"\b(?:captured|recaptured|retook|retaken|liberated|overran|seized\s+control\s+of|took\s+(?:full\s+)?control\s+of|fell\s+to)\b",
                               r"\b(?:gained|regained)\s+(?:control|ground)\b",
        r"\b(?:strolled|marched|swept|walked|drove)\s+(?:back\s+)?into\b", r"\bfull\s+control\b", r"\btook\s+over\s+(?:[\w’'-]+\s+){0,3}(?:headquarters|buildings?|offices|airport|base|town|city|village)\b", r"\blaid\s+down\s+(?:their\s+)?arms\b", r"\b(?:fell|falling)\s+to\b", r"\bretreated\s+from\b", r"\bpushed\s+(?:[\w’'-]+\s+){0,3}out\s+of\b",
    ],
    "combat.clash": [r"\btraded\s+(?:[\w’\'-]+\s+){0,2}(?:fire|gunfire|shots)\b", r"\bexchanged\s+fire\b", r"\battack(?:ed|s)?\s+(?:an?\s+|the\s+)?(?:[\w’'-]+\s+){0,2}(?:post|base|positions?|checkpoint|convoy|barracks|outpost)s?\b", r"\bencircled\b", r"\boffensive\b", r"\bclash(?:ed|es)?\b", r"\bfighting\b", r"\bgun\s*(?:fight|battle)s?\b", r"\bfirefights?\b", r"\bexchange\s+of\s+fire\b",
                     r"\bambush(?:ed)?\b", r"\bfought\b", r"\bbattled?\b", r"\bcounter-?offensive\b", r"\bassault\s+on\b", r"\bskirmish(?:es)?\b",
        r"\bexchanged\s+(?:[\w’'-]+\s+){0,3}fire\b", r"\bstreet\s+fighting\b", r"\bheavy\s+fighting\b", r"\bfierce\s+(?:battles?|fighting|clashes)\b", r"\bfire\s*fights?\b",
        r"\battack(?:ed|s)?\s+(?:an?\s+|the\s+)?(?:[\w’'-]+\s+){0,2}(?:detachment|garrison|patrol|camp|station|posts)\b", r"\bopened\s+fire\s+on\s+(?:[\w’'-]+\s+){0,2}(?:soldiers|troops|police|officers|gendarmes|positions|patrols?)\b", r"\bshoot-?outs?\b", r"\bgun\s*battles?\b",
    ],
    "military.intervention": [r"\b(?:tanks|troops|columns|forces|soldiers|army)\s+(?:[\w’'-]+\s+){0,2}(?:rolled|crossed|poured|pushed|swept)\s+into\b", r"\brolled\s+into\b", r"\bmilitary\s+operation\b", r"\b(?:special\s+forces|commandos)\s+(?:[\w’'-]+\s+){0,3}raid\b", r"\buse\s+(?:military\s+)?force\b", r"\btroops\s+moved\s+into\b", r"\bmilitary\s+intervention\b", r"\binvad(?:ed|ing|e)\b", r"\binvasion\b", r"\bincursion\b",
                              r"\b(?:sent|send|sending)\s+(?:[\w’'-]+\s+){0,2}troops\s+(?:into|to)\b", r"\bintervened?\s+militarily\b",
        r"\bcrossed\s+(?:the\s+)?border\s+into\b", r"\b(?:troops|forces|tanks|columns|soldiers|vehicles)\s+(?:[\w’'-]+\s+){0,3}pour(?:ed|ing)\s+(?:through|into|across)\b", r"\brolled\s+across\b", r"\bjoined\s+(?:[\w’'-]+\s+){0,3}(?:assaults?|offensives?|fighting|combat)\b", r"\bforeign\s+troops\b", r"\bpeacekeeping\s+mission\b", r"\bmultinational\s+(?:force|mission)\b",
        r"\bcross-border\s+(?:raids?|operations?|incursions?|offensives?)\b", r"\bmilitary\s+force\b",
    ],
    "military.base": [r"\bnaval\s+(?:logistics\s+)?(?:hub|base)\b", r"\baccess\s+to\s+(?:[\w’'-]+\s+){0,3}bases\b", r"\b(?:military|air|naval|army)\s+(?:bases?|hubs?)\b", r"\bprotected\s+facilities\b", r"\b(?:military|army|command|operational|forward|field)\s+headquarters\b", r"\b(?:set\s+up|established|opened|moved)\s+(?:[\w’'-]+\s+){0,3}headquarters\b",
                      r"\b(?:establish|set\s+up|build|open)\w*\s+(?:[\w’'-]+\s+){0,2}(?:bases?|outposts?|garrisons?)\b",
        r"\bairstrips?\b", r"\bnaval\s+facilit(?:y|ies)\b", r"\bmilitary\s+(?:sites|facilities|outposts?)\b", r"\b(?:expand|build|establish|construct)\w*\s+(?:[\w’'-]+\s+){0,3}(?:facilit(?:y|ies)|airstrips?|runways?|ports?|installations?)\b",
    ],
    "military.deployment": [r"\b(?:military|army|troop|armou?red)\s+convoys?\b", r"\bdispatch(?:ed|es|ing)?\b", r"\bcarrier\s+strike\s+group\b", r"\b(?:ordered|sent|sending|moved|moving)\s+(?:[\w’'-]+\s+){0,4}(?:warships?|destroyers?|frigates?|submarines?|aircraft\s+carriers?|warheads|battalions?|brigades?)\b", r"\bcall-up\b", r"\breservists\b", r"\bmassed\b", r"\b(?:naval|joint|military)\s+(?:exercises|drills|patrols)\b", r"\bjoint\s+patrols\b", r"\bwarships\b", r"\bcolumn\s+advanced\b", r"\barrived\s+in\b", r"\bstation(?:ed)?\s+(?:[\w’'-]+\s+){0,2}(?:troops|brigade|soldiers|forces)\b", r"\bdefence\s+package\b", r"\bmission\s+to\b", r"\bdeploy(?:ed|s|ing|ment|ments)?\b", r"\btroop\s+(?:build-?up|buildup|movements?|surge)\b", r"\bmass(?:ed|ing)\s+troops\b",
                            r"\bmilitary\s+(?:exercises?|drills?|build-?up)\b", r"\bwar\s*games\b", r"\bmobili[sz](?:ed|ation|e)\b", r"\breinforcements\b",
                            r"\bjoint\s+exercises?\b",
        r"\breinforc\w*\s+(?:[\w’'-]+\s+){0,3}(?:troops|forces|flank|border|positions|presence|garrisons?|defen[cs]es)\b", r"\brush(?:ed|es|ing)?\s+(?:[\w’'-]+\s+){0,4}(?:troops|soldiers|forces|reinforcements|police)\b", r"\b(?:troops|soldiers|forces)\s+(?:were\s+)?rushed\b", r"\bmassing\b", r"\bdrills\b", r"\bhigh\s+readiness\b", r"\b(?:send|sends|rush|deploy)\s+(?:[\w’'-]+\s+){0,4}(?:frigates|warships|destroyers|patrol\s+(?:aircraft|ships|vessels)|fighter\s+jets|troops|battalions?)\b", r"\bencircled\s+(?:[\w’'-]+\s+){0,2}with\b", r"\bshow\s+of\s+force\b",
        r"\bstation(?:ed|ing)?\s+(?:up\s+to\s+)?(?:[\w’'-]+\s+){0,3}(?:marines|troops|soldiers|vehicles|tanks|forces)\b", r"\b(?:vehicles|troops|tanks|soldiers)\s+were\s+stationed\b", r"\b(?:flew|flown)\s+in\s+(?:[\w’'-]+\s+){0,2}(?:troops|soldiers|reinforcements|tanks|artillery)\b", r"\b(?:missile|nuclear|weapons?)\s+tests?\b", r"\btest-fir(?:ed|ing|es)\b", r"\bnuclear\s+devices?\b", r"\bmilitary\s+presence\b",
    ],
    "military.blockade": [r"\bblock(?:ed|ing|s)?\s+(?!of\s)(?:the\s+)?(?:[\w’'-]+\s+){0,2}(?:corridor|road|highway|crossing|border|port|access|aid|convoys?|trucks|bridge|shipping)\b", r"\bclosed\s+(?:its\s+|the\s+)?(?:[\w’'-]+\s+){0,3}(?:border|crossings?|airspace|port|strait)\b", r"\bstop\s+(?:[\w’'-]+\s+){0,3}from\s+(?:resupplying|crossing|entering|reaching|leaving)\b", r"\bcut\s+(?:internet|power|phone)\b", r"\b(?:crossing|border|port|airport)\s+closed\b", r"\bkept\s+(?:[\w’'-]+\s+){0,3}closed\b", r"\bboarded\b(?!\s+(?:[\w’'-]+\s+){0,3}(?:flights?|planes?|trains?|bus(?:es)?|ferr(?:y|ies)|aircraft|jets?)\b)", r"\bto\s+leave\s+(?:the\s+)?(?:north|south|area|city|region)\b", r"\bblockade[sd]?\b", r"\bclosed\s+(?:the\s+)?(?:border|crossings?|airspace|strait)\b", r"\bno-fly\s+zone\b",
                          r"\bcurfew\b", r"\bsiege\b", r"\bbesieged\b",
        r"\bencirclement\b", r"\bcutting\s+(?:off\s+)?(?:supply|supplies|access)\b", r"\bclos(?:e|ed|ing)\s+(?:[\w’'-]+\s+){0,5}(?:ports?|borders?|crossings?|airspace|strait)\b", r"\bblock(?:ed|ing|s)?\s+(?:[\w’'-]+\s+){0,3}(?:strait|entrance|lagoon|shipping|waterway|channel)\b", r"\bstop\s+(?:any|all)\s+(?:vessels?|ships?|shipping)\b", r"\bshipping\s+(?:lanes?\s+)?(?:blocked|closed)\b", r"\bcordon(?:ed)?\s+off\b", r"\bsealed\s+off\b",
        r"\b(?:stopped|halted|blocked|barred)\s+(?:the\s+)?entry\s+of\b", r"\bshut\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}(?:border|crossings?|ports?|airspace)\b",
    ],
    "territory.transfer": [r"\b(?:making|made|make)\s+(?:[\w’'-]+\s+){1,3}part\s+of\b", r"\bced(?:e|es|ed|ing)\b", r"\b(?:areas?|territor(?:y|ies)|districts?|land|villages)\s+(?:[\w’'-]+\s+){0,2}(?:returned|handed\s+(?:over|back))\b", r"\bannexing\b", r"\breferend(?:um|ums|a)\s+on\s+joining\b", r"\bhand(?:ing)?\s+over\b", r"\bpullback\b", r"\bwithdrawal\s+from\b", r"\bannexed\b", r"\bceded\b", r"\bhanded\s+over\s+(?:control|territory|the\s+region)\b", r"\btransfer\s+of\s+(?:territory|sovereignty)\b",
        r"\bseceded\b", r"\bhand(?:ed|s)?\s+(?:over\s+)?control\s+of\b", r"\bdisengagement\b", r"\bpulled\s+(?:[\w’'-]+\s+)(0, 2)out\s+of\b", r"\bwithdr[ae]w\s+(?:[\w’'-]+\s+){0,3}from\b", r"\bbuffer\s+zone\b", r"\bcede\b",
        r"\bhand(?:ed|s|ing)?\s+(?:[\w’'-]+\s+){0,3}back\s+to\b", r"\bhandover\s+of\b", r"\bhanded\s+over\b", r"\bhand(?:ed|s|ing)?\s+(?:over\s+)?full\s+control\s+of\b", r"\bborder\s+(?:signs|markers)\b",
    ],
    "territory.claim": [r"\b(?:proclaim|declar)(?:ed|es|ing)?\s+(?:an?\s+|its\s+)?(?:independen(?:ce|t)|secession)\b", r"\bsecession\b", r"\bas\s+part\s+of\s+(?:[\w’'-]+\s+)?territory\b", r"\bpart\s+of\s+its\s+territory\b", r"\bshould\s+buy\b", r"\bclaim\s+that\b", r"\bterritorial\s+integrity\b", r"\bnew\s+\w+\s+state\s+in\b", r"\bsovereignty\b", r"\bterritorial\s+(?:claims?|disputes?|integrity)\b", r"\btake\s+(?:over|control\s+of)\b", r"\btakeover\b",
                        r"\bannex(?:ation)?\b", r"\bclaims?\s+(?:to|over)\b", r"\b(?:buy|purchase|acquire)\s+(?:the\s+)?(?:island|territory)\b", r"\bdisputed\s+(?:territory|islands?|region|border)\b",
        r"\brecogni[sz](?:e|es|ed|ing)\s+(?:[\w’'-]+\s+){0,8}(?:as\s+)?independent\b", r"\b(?:proclaim|declar)(?:ed|es|ing)?\s+the\s+independence\b", r"\bhistoric\s+rights\b", r"\bidentification\s+zone\b", r"\bpart\s+of\s+its\s+own\s+territory\b", r"\b(?:backed|voted\s+for|declared|proclaimed)\s+independence\b", r"\bindependence\s+referendum\b", r"\balso\s+claimed\s+by\b", r"\bwhich\s+(?:[\w’'-]+\s+){1,2}claims\b", r"\bclaims\s+as\s+its\s+own\b",
        r"\bsovereign\s+rights\b", r"\binch\s+of\s+(?:[\w’'-]+\s+){0,1}territory\b",
    ],
    "unrest.riot": [r"\bstormed\s+the\s+(?:parliament|capitol|embassy|building|palace)\b", r"\bransack(?:ed|ing)\b", r"\briot(?:s|ed|ers|ing)?\b", r"\blooting\b", r"\bmobs?\b", r"\btorched\b", r"\bset\s+fire\s+to\b", r"\btear\s*gas\b",
                    r"\bviolent\s+(?:protests?|demonstrations?)\b", r"\bclashed\s+with\s+police\b",
        r"\bpetrol\s+bombs?\b", r"\bmolotov\b", r"\brampag(?:ed|ing|e)\b", r"\bstormed\s+(?:the\s+)?(?:congress|parliament|capitol|palace|court|assembly|legislature)\b", r"\bpelted\b", r"\bhurl(?:ed|ing)\s+(?:rocks|stones|bottles|bricks)\b", r"\bsmash(?:ed|ing)\s+windows\b", r"\bbroke\s+into\b",
        r"\bstone-throwing\b", r"\bstone\s+throwers?\b", r"\bsmashed\s+(?:their\s+)?way\s+into\b", r"\bstormed\s+(?:the\s+)?(?:[\w’'-]+\s+){0,2}(?:airport|embassy|compound)\b",
    ],
    "unrest.protest": [r"\bprotest(?:s|ed|ers|ing)?\b", r"\bdemonstrat(?:ors|ion|ions|ed)\b", r"\brall(?:y|ies|ied)\b", r"\bmarched\b",
                       r"\btook\s+to\s+the\s+streets\b", r"\bsit-ins?\b", r"\bpicket(?:s|ed)?\b", r"\bwalkout\b", r"\bgeneral\s+strike\b",
        r"\bthronged\b", r"\bpitched\s+(?:[\w’'-]+\s+){0,2}tents\b", r"\bencampments?\b", r"\bcamped\s+out\b", r"\bpoured\s+(?:onto|into)\s+the\s+streets\b", r"\bfilled\s+the\s+streets\b", r"\bvigils?\b", r"\bmarch(?:es)?\s+(?:through|on|to)\b",
        r"\b(?:opened\s+fire|fired)\s+on\s+(?:[\w’'-]+\s+){0,3}(?:protesters|demonstrators|crowds|marchers)\b", r"\bcleared\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}(?:sit-in|camp|encampment|square)\b",
    ],
    "coercion.sanction": [r"\bordered\s+out\s+(?:[\w’\'-]+\s+){0,4}diplomats\b", r"\bexpel(?:led|ling|s)?\s+(?:[\w’\'-]+\s+){0,4}(?:diplomats?|ambassadors?|envoys?)\b", r"\btravel\s+bans?\b", r"\basset\s+freezes?\b", r"\bsuspend(?:ed|s|ing)?\s+(?:[\w’\'-]+\s+){0,2}membership\b", r"\bcut\s+(?:off\s+)?(?:diplomatic\s+)?(?:relations|ties)\b", r"\bexpulsions?\b", r"\bsever(?:ed|s|ing)\s+(?:diplomatic\s+)?(?:relations|ties)\b", r"\bsuspend(?:ed|s|ing)?\s+(?:the\s+|its\s+)?(?:[\w’'-]+\s+){0,3}(?:treaty|trade|flights|visas?|imports|exports)\b", r"\bdowngrad(?:ed|ing|es)\s+(?:diplomatic\s+)?(?:ties|relations)\b", r"\bban(?:ned|s)?\s+(?:[\w’'-]+\s+){0,3}(?:carriers|airlines|flights)\b", r"\b(?:ordered|told)\s+(?:[\w’'-]+\s+){0,3}diplomats\s+to\s+leave\b", r"\bhalted\s+(?:imports|exports|certification|trade)\b", r"\bcut\s+(?:[\w’'-]+\s+){0,4}off\s+from\b", r"\bban(?:ned)?\s+(?:on\s+)?imports\b", r"\bsanction(?:s|ed)?\b", r"\bembargo(?:es)?\b", r"\b(?:froze|freeze|freezing)\s+(?:[\w’'-]+\s+){0,2}assets\b",
                          r"\bexpel(?:led|s)?\s+(?:[\w’'-]+\s+){0,3}(?:diplomats?|ambassador)\b", r"\brecall(?:ed|s)?\s+(?:its\s+)?ambassadors?\b",
                          r"\btariffs?\b", r"\bexport\s+(?:ban|controls)\b", r"\bsevered\s+(?:diplomatic\s+)?ties\b",
        r"\bban(?:ned|s)?\s+(?:[\w’'-]+\s+){0,4}(?:exports|imports|textile|oil|crude)\b", r"\bcapped\s+(?:[\w’'-]+\s+){0,4}(?:imports|exports|prices?)\b", r"\bstop\s+buying\b", r"\bprice\s+cap\b", r"\bblacklist(?:ed)?\b", r"\bexpelled\b",
        r"\bordered\s+(?:[\w’'-]+\s+){0,6}(?:officials|diplomats|staff|envoys?)\s+to\s+leave\b", r"\b(?:impose[sd]?|imposing)\s+(?:[\w’'-]+\s+){0,2}(?:curbs|restrictions|tariffs|duties|sanctions|penalties|embargo)\b", r"\b(?:supplies|flows|exports|deliveries|shipments)\s+(?:[\w’'-]+\s+){0,6}(?:cut\s+off|halted|suspended)\b", r"\bshut\s+off\s+(?:gas\s+|oil\s+)?(?:flows|supplies)\b", r"\bend(?:ed|ing|s)?\s+its\s+(?:defen[cs]e\s+)?cooperation\b",
    ],
    "coercion.arrest": [r"\b(?:taken|booked|lodged|transported|sent)\s+(?:in)?to\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}(?:jail|prison|detention\s+cent(?:er|re))\b", r"\barrest(?<!evading\sarrest)(?<!resisting\sarrest)(?<!evade\sarrest)(?<!resist\sarrest)(?<!escape\sarrest)"
        r"(?<!for\shis\sarrest)(?<!for\sher\sarrest)(?<!for\stheir\sarrest)(?:ed|s|ing)?\b", r"\bdetain(?:ed|s|ing)?\b", r"\bdetention\b", r"\bin\s+custody\b", r"\bjailed\b",
                        r"\bimprisoned\b", r"\brounded\s+up\b",
        r"\binto\s+custody\b", r"\bled\s+away\b", r"\bhauled\s+(?:away|off)\b", r"\bextradited\b", r"\bpicked\s+up\s+by\s+police\b", r"\bcrackdown\b",
        r"\bundisclosed\s+location\b", r"\bsecure\s+location\b",
    ],
    "coercion.destruction": [r"\b(?:tore|torn|tearing)\s+down\b", r"\braz(?:ed|ing)\b", r"\blooters?\b", r"\b(?:blew|blow|blown)\s+up\s+(?:the\s+|a\s+|an\s+)?(?:[\w’'-]+\s+){0,3}(?:bridge|dam|office|building|monument|temple|church|mosque|statue|shrine)\b", r"\b(?:dam|bridge|temple|monument|shrine)\s+(?:was\s+|were\s+)?destroyed\b", r"\btoppled\s+(?:a\s+|the\s+)?statue\b", r"\bstormed\s+(?:[\w’'-]+\s+){0,4}prisons?\b", r"\bdemolish(?:ed|ing|es)?\b", r"\bdemolitions?\b", r"\bbulldoz(?:ed|ing|ers?)\b", r"\blooted\b", r"\bvandali[sz]ed\b",
                             r"\b(?:burned|burnt|razed|burning|torched|torching)\s+(?:down\s+)?(?:[\w’'-]+\s+){0,2}(?:homes|houses|villages?|shops|churches|mosques)\b",
                             r"\bdestroyed\s+(?:[\w’'-]+\s+){0,2}(?:homes|houses|property|buildings|crops)\b",
        r"\bdynamited\b", r"\barson\b", r"\bburn(?:ed|t)\s+to\s+the\s+ground\b", r"\bsabotag(?:e|ed|ing)\b", r"\b(?:cables?|pipelines?)\s+(?:[\w’'-]+\s+){0,6}(?:severed|cut|damaged|ruptured)\b", r"\b(?:attacked|destroyed|smashed|desecrated)\s+(?:[\w’'-]+\s+){0,3}(?:tombs?|shrines?|mausoleums?|statues?|churches|mosques|temples)\b",
        r"\b(?:buildings|homes|houses|bridges?|offices|shops)\s+(?:[\w’'-]+\s+){0,4}(?:blown\s+up|dynamited|demolished|bulldozed)\b",
    ],
    "support.military_aid": [r"\bsale\s+(?:[\w’\'-]+\s+){0,5}of\s+(?:[\w’\'-]+\s+){0,4}(?:missiles|jets|tanks|weapons|howitzers|drones|aircraft|helicopters|fighters|warplanes|rifles|arms)\b", r"\b(?:send|sent|sending|deliver\w*|suppl(?:y|ied|ying)|provid\w*|rush\w*|ship\w*|transfer\w*|give|giving|gave)\s+(?:[\w’'-]+\s+){0,6}(?:interceptors|missiles|jets|howitzers|artillery|rockets|drones|battle\s+tanks|armou?red\s+vehicles|fighter\s+jets|f-16s)\b", r"\btraining\s+on\s+the\s+(?:tanks|jets|systems|weapons)\b", r"\bsecurity\s+guarantees?\b", r"\b(?:military|defen[cs]e)\s+(?:aid|assistance|support|equipment)\b",
                             r"\b(?:weapons|arms)\s+(?:deliveries|supplies|shipments?|package|transfers?|sales)\b",
                             r"\b(?:provide|supply|send|deliver|pledged?|promised?)\w*\s+(?:[\w’'-]+\s+){0,6}(?:weapons|equipment|training|air\s+defen[cs]es?|tanks|ammunition|munitions)\b",
                             r"\baid\s+package\b", r"\barmament\b",
        r"\b(?:sale|sell|sold|selling)\s+(?:of\s+)?(?:[\w’'$.-]+\s+){0,4}(?:howitzers|missiles|jets|tanks|weapons|systems|drones|submarines|arms|helicopters)\b", r"\b(?:send|sent|sending|deliver\w*|suppl\w+|provid\w*)\s+(?:[\w’'-]+\s+){0,6}(?:air[- ]defen[cs]e|patriot|himars|s-300|s-400|f-16|submarines|ammunition|shells)\b", r"\bacquire\s+(?:[\w’'-]+\s+){0,3}(?:submarines|jets|missiles|weapons)\b", r"\btrain(?:ing|ed)?\s+(?:[\w’'-]+\s+){0,2}(?:pilots|soldiers|troops|forces)\b", r"\bmutual\s+defen[cs]e\b", r"\bsecurity\s+(?:agreement|pact|partnership|assistance)\b", r"\bcome\s+to\s+(?:the\s+other['’]s|each\s+other['’]s)\s+aid\b", r"\bdefen[cs]e\s+(?:pact|treaty)\b", r"\barms\s+(?:deal|sale|sales)\b",
    ],
    "support.cooperation": [r"\b(?:food|medical|relief|aid)\s+(?:convoys?|trucks|shipments?|supplies|deliveries)\b", r"\btrucks\s+(?:loaded|carrying)\s+with\b", r"\bextradit(?:ed|ion|es)\b", r"\blend\b", r"\bcoordination\s+centre\b", r"\bpipeline\b", r"\bgrain\s+exports\b", r"\bloaded\s+with\s+(?:[\w’'-]+\s+){0,2}(?:grain|corn|wheat|aid)\b", r"\bcooperation\s+(?:agreement|deal)\b", r"\bhumanitarian\s+(?:aid|assistance|convoys?)\b", r"\baid\s+convoys?\b",
                            r"\bloans?\b", r"\binvest(?:ment|ed)?\b", r"\bjoint\s+(?:venture|project|patrols?)\b", r"\btrade\s+(?:deal|pact|agreement)\b",
                            r"\bfood\s+aid\b", r"\bdonated\b", r"\breconstruction\b",
        r"\bcredit\s+line\b", r"\b(?:energy|gas|oil|nuclear|infrastructure|investment)\s+deals?\b", r"\bagreed\s+to\s+supply\b", r"\bconvoy\s+of\s+(?:[\w’'-]+\s+){0,3}trucks\b", r"\btrucks\s+carrying\b", r"\bfood\s+and\s+medicine\b", r"\bbuild\s+(?:[\w’'-]+\s+){0,3}(?:roads|railways|power\s+(?:plants|stations?)|ports?|nuclear\s+power)\b", r"\bbillion\s+(?:loan|deal|investment)\b", r"\bbailout\b", r"\bdebt\s+relief\b",
        r"\b(?:supply|supplying|pumping|pump|export|exporting|ship|shipping)\s+(?:[\w’'-]+\s+){0,3}(?:gas|oil|lng|electricity|grain|fuel)\s+to\b", r"\bvaccines?\b", r"\b(?:ventilators|medicines|medical\s+supplies|oxygen\s+concentrators)\b", r"\b(?:financed|funded)\s+by\b", r"\btankers?\s+carrying\b",
    ],
    "diplomacy.agreement": [r"\bbrokered\s+(?:a\s+|the\s+)?(?:ceasefire|deal|truce)\b", r"\bceasefire\b", r"\bceasefire\s+(?:deal|agreement)\b", r"\b(?:signed|sign|signing)\b", r"\bagreed\s+(?:to|on)\b", r"\bagreements?\b",
                            r"\btreaty\b", r"\btruce\b", r"\baccords?\b", r"\bpeace\s+(?:deal|plan|pact)\b", r"\bstruck\s+a\s+deal\b", r"\breached\s+a\s+deal\b",
                            r"\bmemorandum\b", r"\bendorsed\b", r"\bprisoner\s+(?:swap|exchange)\b",
        r"\bagreed\s+(?:[\w’'-]+\s+){0,3}to\b", r"\bbrokered\s+(?:an?\s+|the\s+)?(?:[\w’'-]+\s+)?(?:arrangement|deal|truce|ceasefire|accord)\b", r"\bpause\s+in\s+(?:the\s+)?fighting\b", r"\bhumanitarian\s+pause\b", r"\bre-establish(?:ed|ing)?\s+(?:diplomatic\s+)?(?:relations|ties)\b", r"\breestablish(?:ed|ing)?\s+(?:diplomatic\s+)?(?:relations|ties)\b", r"\bnormali[sz]e\s+(?:ties|relations)\b", r"\barmistice\b", r"\bpeace\s+(?:agreement|accord|treaty)\b",
    ],
    "diplomacy.summit": [r"\bmeet(?:s|ing)?\s+(?:with\s+)?(?:[\w’'-]+\s+){0,2}(?:in|at|on|for|to)\b", r"\bheld\s+(?:[\w’'-]+\s+){0,4}talks\b", r"\bsummits?\b", r"\btalks\b", r"\bmet\s+(?:with\b)?", r"\bmeetings?\b", r"\bvisit(?:ed|s)?\b", r"\bconference\b",
                         r"\bnegotiations?\b", r"\bspoke\s+by\s+phone\b", r"\bphone\s+call\b", r"\bhosted\b", r"\bdelegations?\b", r"\bconsultations\b",
        r"\b(?:leaders|ministers)\s+(?:gathered|met|convened)\b", r"\bface\s+to\s+face\b", r"\bmeet\s+(?:[\w’'-]+\s+){0,3}(?:leaders|counterparts?|president|prime\s+minister)\b", r"\bstate\s+visit\b",
        r"\b(?:shake|shook|shaking)\s+hands\b",
    ],
    "diplomacy.demand": [r"\bvow(?:ed|s)\s+to\s+(?:retaliate|respond)\b", r"\bthreatened\s+retaliation\b", r"\bwarned\s+that\b", r"\bvoted\s+to\s+expel\b", r"\bcall(?:ed|s|ing)?\s+(?:on|for)\b", r"\burg(?:ed|es|ing)\b", r"\bdemand(?:ed|s|ing)?\b", r"\bappeal(?:ed|s)?\b",
                         r"\bultimatum\b", r"\bpressed\b",
        r"\bmust\s+(?:be\s+)?(?:out|leave|withdraw|stop|end)\b", r"\b(?:gave|given|giving)\s+(?:[\w’'-]+\s+){0,3}(?:days|hours|weeks)\s+to\b",
        r"\bordered\s+(?:[\w’'-]+\s+){0,3}to\s+(?:immediately\s+)?(?:halt|stop|end|withdraw|open|keep|release)\b", r"\basked\s+(?:[\w’'-]+\s+){0,4}to\s+(?:step\s+in|intervene|act|mediate|release|free|halt|withdraw)\b",
    ],
    "diplomacy.condemnation": [r"\bcalled\s+(?:the\s+|it\s+|this\s+)?(?:[\w’'-]+\s+){0,3}(?:dangerous|illegal|unacceptable|outrageous|provocation|provocative|criminal|a\s+crime|barbaric|reckless)\b", r"\bslammed\b", r"\blambast(?:ed|s)?\b", r"\bdecr(?:ied|ies|y)\b", r"\bcondemn(?:ed|s|ing|ation)?\b", r"\bdenounc(?:ed|es|ing)\b", r"\baccus(?:ed|es|ing)\b", r"\bcriticis(?:ed|es)\b",
                               r"\bcriticiz(?:ed|es)\b", r"\bblamed\b", r"\bdeplored\b", r"\boutrage\b",
        r"\bdeplore[sd]?\b", r"\bcredible\s+allegations\b", r"\bwar\s+crimes?\b", r"\bcensure[sd]?\b", r"\bprotested\s+to\b", r"\bsummoned\s+(?:the\s+)?(?:[\w’'-]+\s+)?(?:ambassador|envoy)\b",
        r"\b(?:resolutely|firmly|strongly)\s+oppose[sd]?\b", r"\b(?:flagrant\s+)?violations?\s+of\s+(?:[\w’'-]+\s+){0,3}(?:sovereignty|international\s+law|the\s+ceasefire|airspace)\b",
    ],
    "diplomacy.rejection": [r"\bnever\s+recogni[sz]e\b", r"\bnot\s+for\s+sale\b", r"\bnot\s+negotiable\b", r"\breject(?:ed|s|ing)?\b", r"\brefus(?:ed|es|ing)\b", r"\bruled\s+out\b", r"\bdismissed\b", r"\bvetoed\b", r"\bdeclined\b",
        r"\bnull\s+and\s+void\b", r"\bneither\s+accept\b", r"\brefused\s+to\s+(?:accept|recogni[sz]e)\b", r"\bboycott(?:ed)?\b",
        r"\brebuff(?:ed|s)?\b", r"\bvoted\s+down\b", r"\bfailed\s+to\s+(?:approve|pass|ratify)\b",
    ],
}

_THREAT = r"threat\w*|warn(?:ed|s|ing)?|vow(?:ed|s)?"
# A trigger that is itself a threat ("vowed to retaliate", "warned that") reports a threat, not what it threatens.
THREAT = re.compile(r"(?:" + _THREAT + r")\b")
# Modality cues, searched in the words before a trigger; the nearest one decides.
CUES: list[tuple[str, re.Pattern[str]]] = [
    ("denied", re.compile(r"\b(?:denied|denies|deny|not|no|never|n't|without|rejected\s+reports|ruled\s+out|refused)\b")),
    ("threatened", re.compile(r"\b(?:" + _THREAT + r"|call(?:ed|s)?\s+for|calls?\s+for|wants?\s+to|"
                              r"demand(?:ed|s)?|ultimatum|suggestions?\s+of|push(?:ed|ing)?\s+for)\b")),
    ("planned", re.compile(r"\b(?:will|would|shall|'ll|plans?\s+(?:to|for)|planned|planning\s+to|if|unless|to\s+be\s+held|"
                           # "are due to meet" (the verb may be the trigger itself), not "deaths were due to shelling"
                           r"(?:is|are|was|were)\s+due\s+to\s+(?:be|meet|hold|sign|visit|start|begin|open|resume|vote)|"
                           r"(?:is|are)\s+due\s+to(?=\s*$)|"
                           r"scheduled|set\s+to|intends?|"
                           r"expected\s+to|upcoming|propos(?:ed|al|es)|envisag(?:e|es|ed)|could|may|might|aims?\s+to|"
                           r"prepar(?:ing|es|ed)\s+to|ready\s+to|agreed\s+to|pledg(?:ed|es)|promis(?:ed|es)|"
                           r"in\s+the\s+event\s+of|after\s+any|once|next\s+(?:week|month|year)|to\s+continue|must)\b")),
]
CLAUSE_START = re.compile(r"[,;:()\u2014\u2013]\s|\s[-\u2014\u2013]\s|\b(?:but|after|because|although|though|while|"
                           r"whereas|since|as|which|who|that|before|when|where)\b")
DENIAL = re.compile(r"\b(?:denied|denies|deny|rejected\s+(?:reports|claims)|dismissed\s+(?:reports|claims))\b")
# Before the trigger: a claim is told before what it claims ("the RSF said it had seized", "forces claimed control of"),
# and claiming an attack or responsibility for it is no doubt about it.
CLAIMED = re.compile(r"\b(?:claim(?:ed|s)(?!\s+(?:responsibility|credit)\b)|alleged(?:ly)?|reportedly|purportedly|unverified|"
                     r"unconfirmed|said\s+it\s+had)\b")

TRIGGERS: list[tuple[str, str]] = [
    # The leading word boundary is checked by the caller: without it the regex engine can skip ahead
    # to the pattern's first literal, which makes scanning a document about ten times faster.
    (code, p.removeprefix(r"\b")) for code, patterns in _RAW.items() for p in patterns
]
_COMPILED: list[re.Pattern[str] | None] = [None] * len(TRIGGERS)


def pattern(k: int) -> re.Pattern[str]:
    """The k-th trigger pattern, compiled when first tried: compiling all of them costs more than a short
    document's whole scan, and most documents try only some."""
    compiled = _COMPILED[k]
    if compiled is None:
        compiled = _COMPILED[k] = re.compile(TRIGGERS[k][1])
    return compiled


def _first_words(pattern: str) -> tuple[str, ...] | None:
    """Stems one of which every match starts with ("missiles?" -> "missile"), or None if unknown.

    Lets a scan skip patterns whose first word the text does not contain at all. A stem that is a whole
    word ends with a space, to be looked for in the text with every non-letter turned into a space (see word_starts).
    """
    body = pattern.removeprefix(r"\b")
    if body.startswith("(?:"):
        depth, end, cuts = 0, None, []
        for i, ch in enumerate(body):
            depth += ch == "("
            depth -= ch == ")"
            if ch == "|" and depth == 1:
                cuts.append(i)
            if depth == 0:
                end = i
                break
        if end is None:
            return None
        bounds = [2, *cuts, end]
        alternatives = [body[a + 1:b] for a, b in zip(bounds, bounds[1:], strict=False)]
        after_group = body[end + 1:]
        if after_group[:1] in ("?", "*"):  # "(?:also\s+)?claimed": the match may start with either
            mine, then = _first_words(body[:end + 1]), _first_words(after_group[1:])
            return None if mine is None or then is None else (*mine, *then)
    else:
        alternatives, after_group = [body], ""
    stems = []
    for alt in alternatives:
        m = re.match(r"[a-z]+(?:-[a-z]+)*", alt)
        if not m:
            return None
        stem = m.group(0)
        rest = alt[len(stem):] or after_group
        if rest[:1] in ("?", "*"):
            stem = stem[:-1]
        elif rest.startswith(r"\s"):
            stem += " "  # a whole word: "car\s+bombs?" starts at "car", not at "carried" (see word_starts)
        if len(stem.strip()) < 2:
            return None
        stems.append(stem)
    return tuple(stems)


ANCHORS: list[tuple[str, ...] | None] = [_first_words(p) for patterns in _RAW.values() for p in patterns]


def _second_word(pattern: str) -> str | None:
    """A literal second word every match contains ("in\\s+custody" -> "custody"), to skip the pattern
    in texts that lack it: first words such as "in", "to" and "not" are everywhere."""
    m = re.match(r"^(?:\\b)?[a-z]+(?:\\s\+|-)([a-z]{3,})(?:\\b|\\s|$)", pattern)
    return m.group(1) if m else None


SECOND_WORDS: list[str | None] = [_second_word(p) for patterns in _RAW.values() for p in patterns]


_ONE_WORD = re.compile(r"^([a-z][a-z-]*)(?:\(\?:([a-z|]+)\)(\?)?|([a-z])\?)?\\b$")


def _word_forms(pattern: str) -> tuple[str, ...] | None:
    """Every word a one-word pattern matches ("shell(?:ed|ing|s)?\\b": shell, shelled, shelling, shells), or
    None for any other pattern. The anchor automaton finds these words itself: no regex to compile or run."""
    m = _ONE_WORD.match(pattern)
    if not m:
        return None
    base, alternatives, optional, letter = m.groups()
    if alternatives is not None:
        forms = [*([base] if optional else []), *(base + a for a in alternatives.split("|"))]
    else:
        forms = [base, base + letter] if letter else [base]
    return tuple(dict.fromkeys(forms))


WORD_FORMS: list[tuple[str, ...] | None] = [_word_forms(p) for _, p in TRIGGERS]


# Where a scan tries each pattern. A one-word pattern by each word it matches (found whole, no regex). Any other
# pattern by each stem its matches start with, with the second word it needs (see _second_word); of two stems of
# one pattern where one begins the other ("sign", "signed") only the shorter: wherever the longer starts the
# shorter does too, so each pattern is tried at most once per position. The rest (first word unknown) runs
# over the whole text.
BY_WORD: dict[str, list[int]] = {}
BY_STEM: dict[str, list[tuple[int, str | None]]] = {}
UNANCHORED: list[int] = []
# Patterns that start with an everyday function word ("in custody", "to leave the area", "not negotiable"): the
# words are everywhere, so rather than trying the pattern at each of thousands of them, the regex searches the
# text, and only a text that has the pattern's second word (see _second_word).
SEARCHED: list[tuple[int, str | None]] = []
for _k, (_stems, _forms) in enumerate(zip(ANCHORS, WORD_FORMS, strict=True)):
    if _forms is not None:
        for _form in _forms:
            BY_WORD.setdefault(_form, []).append(_k)
    elif _stems is None:
        UNANCHORED.append(_k)
    elif all(_stem.strip() in FUNCTION_WORDS for _stem in _stems):
        SEARCHED.append((_k, SECOND_WORDS[_k]))
    else:
        for _stem in _stems:
            if not any(_other != _stem and _stem.startswith(_other) for _other in _stems):
                BY_STEM.setdefault(_stem, []).append((_k, SECOND_WORDS[_k]))


def _anchor_automaton() -> ahocorasick.Automaton:
    """One automaton over every word and stem a scan starts from, each after a space (see word_starts): it
    finds them only where a word starts. The value is the word or stem itself."""
    automaton = ahocorasick.Automaton()
    for key in BY_WORD.keys() | BY_STEM.keys():
        automaton.add_word(" " + key.replace("-", " "), key)
    automaton.make_automaton()
    return automaton


ANCHOR_AUTOMATON = _anchor_automaton()


class _Breaks(dict):
    """str.translate's table: every character that is not a letter or digit to a space, one for one (so offsets
    hold), looked up once per character met."""

    def __missing__(self, code: int) -> int:
        self[code] = value = code if chr(code).isalnum() else 32
        return value


_BREAKS = _Breaks()
_ASCII_BREAKS = bytes(c if chr(c).isalnum() else 32 for c in range(256))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _break(m: re.Match[str]) -> str:
    return m.group(0) if m.group(0).isalnum() else " "


def word_starts(text: str) -> str:
    """A space, then ``text`` with every character that is no letter or digit as a space: where the anchor
    automaton looks, so that a key (" stem") matches only where a word starts, and a whole-word stem ("car ")
    wherever no letter follows. A match at ``end`` in it starts at ``end - len(key) + 1`` in ``text``.

    News copy is ASCII but for its quotes and dashes: those go first, then bytes.translate does the rest in
    a fifth of str.translate's time."""
    if not text.isascii():
        text = _NON_ASCII.sub(_break, text)
        if not text.isascii():  # letters of other scripts
            return " " + text.translate(_BREAKS)
    return " " + text.encode("ascii").translate(_ASCII_BREAKS).decode("ascii")


# When both are in one sentence, the first reading explains the second ("drones hit ... triggering
# explosions" is one drone strike; "shot down drones" is not also a drone strike).
SUBSUMES: dict[str, frozenset[str]] = {
    "strike.intercepted": frozenset({"strike.drone", "strike.missile_artillery", "strike.air"}),
    "strike.drone": frozenset({"strike.explosive", "strike.missile_artillery", "strike.air", "combat.clash"}),
    "strike.air": frozenset({"strike.explosive", "strike.missile_artillery", "combat.clash"}),
    "strike.suicide": frozenset({"strike.explosive", "civilians.attack"}),
    "strike.chemical": frozenset({"strike.air", "strike.missile_artillery", "civilians.attack"}),
    "strike.missile_artillery": frozenset({"strike.explosive", "combat.clash"}),
    "unrest.riot": frozenset({"unrest.protest", "combat.clash", "coercion.destruction"}),
    "combat.territory_taken": frozenset({"combat.clash", "territory.claim"}),
    "territory.claim": frozenset({"diplomacy.demand"}),
    "territory.transfer": frozenset({"territory.claim"}),
    "diplomacy.agreement": frozenset({"diplomacy.summit"}),
    "military.base": frozenset({"military.deployment"}),
    "civilians.abduction": frozenset({"coercion.arrest"}),
    "civilians.sexual_violence": frozenset({"civilians.attack"}),
    "military.intervention": frozenset({"military.deployment", "combat.clash"}),
    "coercion.sanction": frozenset({"diplomacy.condemnation"}),
    "support.military_aid": frozenset({"support.cooperation", "military.deployment"}),
    # "seized the theatre ... holding 850 people hostage" is a hostage-taking; firing on protesters is a protest
    # met with force (ACLED's "excessive force against protesters"), not a separate attack on civilians.
    "unrest.protest": frozenset({"civilians.attack"}),
}
SUBSUMES["civilians.abduction"] = SUBSUMES["civilians.abduction"] | {"combat.territory_taken"}
# "Signed", "agreed to" and "a deal" frame many events: an agreement to cede, to supply weapons, to impose
# sanctions or to build a base is that event. A base that is struck is the target, not a new base.
for _code in ("territory.transfer", "territory.claim", "support.military_aid", "support.cooperation", "coercion.sanction",
              "military.base", "military.deployment"):
    SUBSUMES[_code] = SUBSUMES.get(_code, frozenset()) | {"diplomacy.agreement"}
for _code in ("strike.intercepted", "strike.drone", "strike.air", "strike.missile_artillery", "strike.explosive",
              "strike.suicide", "strike.chemical"):
    SUBSUMES[_code] = SUBSUMES.get(_code, frozenset()) | {"military.base"}
