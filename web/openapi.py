"""The OpenAPI 3.1 document of /api/v1; a test checks it lists exactly the routes the app serves."""

from __future__ import annotations

from typing import Any

from geo.taxonomy import CATEGORIES, STATUSES, SUBTYPES

DATE = {"type": "string", "format": "date"}
INT = {"type": "integer"}
_ERROR = {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _p(name: str, where: str = "query", schema: dict[str, Any] | None = None, required: bool = False,
       description: str = "") -> dict[str, Any]:
    return {"name": name, "in": where, "required": required or where == "path",
            "schema": schema or {"type": "string"}, "description": description}


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def spec() -> dict[str, Any]:
    doc_id = _p("doc_id", "path", {"type": "string", "pattern": "^[0-9a-f]{12}$"}, description="document id")
    event_id = _p("event_id", "path", {"type": "string", "pattern": "^[0-9a-f]{12}-[0-9a-f]{10}$"})
    filters = [
        _p("bbox", description="min_lon,min_lat,max_lon,max_lat (WGS 84)"),
        _p("category", schema={"type": "string", "enum": list(CATEGORIES)}),
        _p("subtype", schema={"type": "string", "enum": list(SUBTYPES)}),
        _p("status", schema={"type": "string", "enum": list(STATUSES)}),
        _p("since", schema=DATE), _p("until", schema=DATE),
        _p("country", description="ISO 3166-1 alpha-2 code or English name"),
        _p("q", schema={"type": "string", "maxLength": 200}, description="words in the sentence, place or title"),
        _p("limit", schema={"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}),
        _p("offset", schema={"type": "integer", "minimum": 0, "default": 0}),
    ]
    geojson = {"application/geo+json": {"schema": {"$ref": "#/components/schemas/FeatureCollection"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "newsmap API", "version": "1.0.0",
                 "description": "News text in, located and typed events out (GeoJSON)."},
        "paths": {
            "/api/v1/health": {"get": {"summary": "Service and store status",
                                       "responses": {"200": {"description": "ok", "content": _json("Health")}}}},
            "/api/v1/openapi.json": {"get": {"summary": "This document",
                                             "responses": {"200": {"description": "OpenAPI 3.1"}}}},
            "/api/v1/documents": {
                "get": {"summary": "Stored documents, newest first",
                        "parameters": [_p("limit", schema={"type": "integer", "minimum": 1, "maximum": 500}),
                                       _p("offset", schema={"type": "integer", "minimum": 0})],
                        "responses": {"200": {"description": "documents"}, "400": _ERROR}},
                "post": {"summary": "Store and process a document (the same text again is not duplicated)",
                         "requestBody": {"required": True, "content": {
                             "application/json": {"schema": {"$ref": "#/components/schemas/NewDocument"}},
                             "text/plain": {"schema": {"type": "string"}},
                             "multipart/form-data": {"schema": {"type": "object", "properties": {
                                 "file": {"type": "string", "format": "binary"}}}}}},
                         "parameters": [_p("title"), _p("url"), _p("date", schema=DATE)],
                         "responses": {"201": {"description": "created", "content": _json("Document")},
                                       "200": {"description": "already stored", "content": _json("Document")},
                                       "400": _ERROR, "413": _ERROR, "415": _ERROR}}},
            "/api/v1/documents/{doc_id}": {"get": {
                "summary": "A document with its places, events and corrections", "parameters": [doc_id],
                "responses": {"200": {"description": "document", "content": _json("Document")}, "404": _ERROR}}},
            "/api/v1/documents/{doc_id}/reprocess": {"post": {
                "summary": "Run the pipeline again; stored corrections are re-applied", "parameters": [doc_id],
                "responses": {"200": {"description": "document", "content": _json("Document")}, "404": _ERROR}}},
            "/api/v1/documents/{doc_id}/places/{start}-{end}/corrections": {"post": {
                "summary": "Re-resolve a place mention to another gazetteer place",
                "parameters": [doc_id, _p("start", "path", INT), _p("end", "path", INT)],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["place_id"], "properties": {"place_id": {"type": "integer"}}}}}},
                "responses": {"200": {"description": "document", "content": _json("Document")}, "400": _ERROR,
                              "404": _ERROR, "415": _ERROR}}},
            "/api/v1/events": {"get": {"summary": "Events as GeoJSON, filtered and paged", "parameters": filters,
                                       "responses": {"200": {"description": "events", "content": geojson},
                                                     "400": _ERROR}}},
            "/api/v1/events/{event_id}": {"get": {
                "summary": "One event (a permalink)", "parameters": [event_id],
                "responses": {"200": {"description": "event", "content": {"application/geo+json": {}}},
                              "404": _ERROR}}},
            "/api/v1/events/{event_id}/corrections": {"post": {
                "summary": "Review an event: reject, restore, change sub-type or status, move it to a place of its "
                           "sentence",
                "parameters": [event_id],
                "requestBody": {"required": True, "content": _json("Correction")},
                "responses": {"200": {"description": "the corrected event"}, "400": _ERROR, "404": _ERROR,
                              "415": _ERROR}}},
            "/api/v1/gazetteer": {"get": {"summary": "Search the offline gazetteer (to re-resolve a place)",
                                          "parameters": [_p("q", required=True)],
                                          "responses": {"200": {"description": "places"}, "400": _ERROR}}},
            "/api/v1/maps/{doc_id}.html": {"get": {
                "summary": "Self-contained HTML map of a document", "parameters": [doc_id],
                "responses": {"200": {"description": "map", "content": {"text/html": {}}}, "404": _ERROR}}},
            "/api/v1/maps/events.html": {"get": {"summary": "Self-contained HTML map of filtered events",
                                                 "parameters": filters,
                                                 "responses": {"200": {"description": "map",
                                                                       "content": {"text/html": {}}},
                                                               "400": _ERROR}}},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                "type": "object", "required": ["status", "message"],
                "properties": {"status": {"type": "integer"}, "message": {"type": "string"}}}}},
            "Health": {"type": "object", "required": ["status"], "properties": {
                "status": {"type": "string"}, "database": {"type": "string"}, "documents": {"type": "integer"},
                "events": {"type": "integer"}}},
            "NewDocument": {"type": "object", "required": ["text"], "properties": {
                "text": {"type": "string", "minLength": 1}, "title": {"type": "string"}, "url": {"type": "string"},
                "date": {"type": "string", "format": "date"}}},
            "Document": {"type": "object", "required": ["id", "text", "places", "events"], "properties": {
                "id": {"type": "string"}, "title": {"type": "string"}, "source_url": {"type": "string"},
                "published": {"type": ["string", "null"]}, "text": {"type": "string"},
                "places": {"type": "array"}, "events": {"type": "array"}, "corrections": {"type": "array"}}},
            "Correction": {"type": "object", "required": ["action"], "properties": {
                "action": {"type": "string", "enum": ["reject", "restore", "subtype", "status", "move"]},
                "value": {"description": "sub-type code, status, or {start, end} of a place span"}}},
            "FeatureCollection": {"type": "object", "required": ["type", "features"], "properties": {
                "type": {"const": "FeatureCollection"}, "features": {"type": "array"},
                "numberMatched": {"type": "integer", "description": (
                    "matching events, counted exactly up to 1,000 (or offset + limit when larger); when more match, "
                    "that bound + 1, and numberMatchedExact is false")},
                "numberMatchedExact": {"type": "boolean", "description": (
                    "false: the count stopped, more than numberMatched - 1 events match")},
                "numberReturned": {"type": "integer"},
                "links": {"type": "array"}}},
        }},
    }
