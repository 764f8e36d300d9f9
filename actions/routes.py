"""The route recommender: routes for the interests the user names, or every route with one line each.

It is not a form: a form that insists on an answer traps a traveller who only wanted to browse. A
request that names an interest ("a route for someone into ethnic minority culture") is answered at
once; one that names none gets the routes with a line each and the interests as buttons, and any later
free answer ("revolutionary history") is read by the same action (rules: inform outside a form).
"""

from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions import form_answers, rendering
from actions.answers import arbitrated, show_item
from actions.kb import Item
from actions.resolution import best_match
from actions.turn import AdvisorAction, DomainDict, EventType, Turn


def stated_interests(turn: Turn) -> list[str]:
    """Interest tags named by a button (`interest:history`) or anywhere in the message, any language;
    a route named instead ("I love the Three Kingdoms") stands for the interests it is tagged with."""
    tags = form_answers.parse_interests(turn.text, turn.item, turn.kb.tags("interest"))
    if tags or turn.text.startswith("/"):
        return tags
    route = best_match(turn, turn.text, ["route"])
    return list(route.tags) if route is not None else []


def rank_by_tags(items: list[Item], wanted: list[str]) -> list[Item]:
    """Items sharing at least one tag with `wanted`: most shared tags first, then the most focused
    (fewest other tags: the Red tourism route before the new routes that are also about nature for
    "revolutionary history"), then paper order."""
    scored = [
        (len(set(item.tags) & set(wanted)), len(set(item.tags) - set(wanted)), n, item)
        for n, item in enumerate(items)
    ]
    return [item for shared, _, _, item in sorted(scored, key=lambda s: (-s[0], s[1], s[2])) if shared]


def route_with_reason(turn: Turn, route: Item, interests: list[str]) -> str:
    """One recommended route: title, why it fits, what the paper says, citation last."""
    labels = ", ".join(turn.kb.tag_label(tag, turn.lang) for tag in route.tags if tag in interests)
    return "\n".join(
        [
            turn.kb.text(route, "title", turn.lang),
            turn.ui("recommend.reason", interests=labels),
            f"{turn.kb.text(route, 'summary', turn.lang)} {turn.kb.citation(route)}",
        ]
    )


def interest_buttons(turn: Turn) -> list[dict[str, str]]:
    """One button per interest; pressing one asks for the routes that suit it."""
    return [
        rendering.button(turn.kb.tag_label(tag, turn.lang), "recommend_route", f"interest:{tag}")
        for tag in turn.kb.tags("interest")
    ]


def recommend(turn: Turn, interests: list[str]) -> list[EventType]:
    """The routes that suit the interests, best fit first, each with its reason and citation."""
    routes = turn.kb.items("route")
    ranked = rank_by_tags(routes, interests)
    if not ranked:
        return overview(turn, "recommend.none")
    blocks = [turn.ui("recommend.intro")] + [route_with_reason(turn, r, interests) for r in ranked]
    turn.say(
        "\n\n".join(blocks),
        rendering.item_buttons(turn.kb, ranked, turn.lang, turn.settings.max_list_buttons),
    )
    return [SlotSet("last_list", [route.ref for route in ranked])]


def overview(turn: Turn, intro_key: str = "recommend.overview") -> list[EventType]:
    """Every route with one line each (citation included), and the interests as buttons."""
    routes = turn.kb.items("route")
    lines = [turn.ui(intro_key)] + [
        f"{n}. {turn.kb.text(route, 'title', turn.lang)}: {turn.kb.text(route, 'summary', turn.lang)} "
        f"{turn.kb.citation(route)}"
        for n, route in enumerate(routes, start=1)
    ]
    turn.say("\n".join(lines), interest_buttons(turn))
    return [SlotSet("last_list", [route.ref for route in routes])]


class ActionRecommendRoutes(AdvisorAction):
    """ "Which route suits me?": routes for the interests named, or all routes to pick from."""

    action_name = "action_recommend_routes"

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        interests = stated_interests(turn)
        if interests:
            return recommend(turn, interests)
        other = arbitrated(turn, turn.kb.items("route"))
        return show_item(turn, other) if other is not None else overview(turn)
