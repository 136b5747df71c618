"""The OpenAPI 3.1 description of the read-only ranking API (served at /api/v1/openapi.json)."""

from __future__ import annotations

#: where the API lives; every path below is relative to it
BASE = "/api/v1"
MAX_PER_PAGE = 100


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _page_of(item: str) -> dict:
    return {
        "type": "object",
        "required": ["campaign_id", "page", "per_page", "total", "pages", "items"],
        "properties": {
            "campaign_id": {"type": "integer"},
            "bureau_id": {"type": ["integer", "null"]},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "total": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 1},
            "items": {"type": "array", "items": _ref(item)},
        },
    }


SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "ok": {"type": "boolean", "const": False},
            "error": {"type": "string"},
            "detail": {"type": "string"},
            "request_id": {"type": "string", "description": "与响应头 X-Request-ID 相同"},
        },
    },
    "Campaign": {
        "type": "object",
        "required": ["id", "name", "year", "start_date", "end_date", "is_active"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "year": {"type": "integer"},
            "start_date": {"type": "string", "format": "date"},
            "end_date": {"type": "string", "format": "date"},
            "is_active": {"type": "boolean"},
        },
    },
    "CampaignList": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": _ref("Campaign")}},
    },
    "RankingRow": {
        "type": "object",
        "required": [
            "position",
            "user_id",
            "name",
            "bureau_id",
            "bureau",
            "role",
            "composite",
            "city_rank",
            "bureau_rank",
            "shares",
            "eligible",
            "reasons",
        ],
        "properties": {
            "position": {"type": "integer", "minimum": 1},
            "user_id": {"type": "integer"},
            "name": {"type": "string"},
            "bureau_id": {"type": "integer"},
            "bureau": {"type": "string"},
            "role": {"type": "string"},
            "composite": {"type": "number", "minimum": 0, "maximum": 100},
            "city_rank": {"type": "integer", "minimum": 1},
            "bureau_rank": {"type": "integer", "minimum": 1},
            "shares": {
                "type": "object",
                "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1},
            },
            "eligible": {"type": "boolean"},
            "reasons": {"type": "array", "items": {"type": "string"}},
        },
    },
    "RankingPage": _page_of("RankingRow"),
    "KindLine": {
        "type": "object",
        "required": ["kind", "label", "weight", "earned", "available", "share", "contribution"],
        "properties": {
            "kind": {"type": "string"},
            "label": {"type": "string"},
            "weight": {"type": "number"},
            "earned": {"type": "number"},
            "available": {"type": "number"},
            "share": {"type": "number", "minimum": 0, "maximum": 1},
            "contribution": {"type": "number"},
        },
    },
    "LedgerLine": {
        "type": "object",
        "required": ["kind", "ref", "title", "points", "max_points", "achieved_at"],
        "properties": {
            "kind": {"type": "string"},
            "ref": {"type": "string"},
            "title": {"type": "string"},
            "points": {"type": "number"},
            "max_points": {"type": "number"},
            "achieved_at": {"type": "string", "format": "date-time"},
        },
    },
    "OfficerBreakdown": {
        "type": "object",
        "required": [
            "campaign_id",
            "user_id",
            "name",
            "bureau_id",
            "composite",
            "city_rank",
            "bureau_rank",
            "eligible",
            "reasons",
            "kinds",
            "entries",
        ],
        "properties": {
            "campaign_id": {"type": "integer"},
            "user_id": {"type": "integer"},
            "name": {"type": "string"},
            "bureau_id": {"type": "integer"},
            "composite": {"type": "number"},
            "city_rank": {"type": "integer"},
            "bureau_rank": {"type": "integer"},
            "eligible": {"type": "boolean"},
            "reasons": {"type": "array", "items": {"type": "string"}},
            "kinds": {"type": "array", "items": _ref("KindLine")},
            "entries": {"type": "array", "items": _ref("LedgerLine")},
        },
    },
    "BureauRow": {
        "type": "object",
        "required": ["bureau_id", "name", "rank", "score", "officers", "active", "values"],
        "properties": {
            "bureau_id": {"type": "integer"},
            "name": {"type": "string"},
            "rank": {"type": "integer", "minimum": 1},
            "score": {"type": "number", "minimum": 0, "maximum": 100},
            "officers": {"type": "integer"},
            "active": {"type": "integer"},
            "values": {"type": "object", "additionalProperties": {"type": "number"}},
        },
    },
    "BureauRanking": {
        "type": "object",
        "required": ["campaign_id", "measures", "items"],
        "properties": {
            "campaign_id": {"type": "integer"},
            "measures": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "label", "weight"],
                    "properties": {
                        "name": {"type": "string"},
                        "label": {"type": "string"},
                        "weight": {"type": "number"},
                    },
                },
            },
            "items": {"type": "array", "items": _ref("BureauRow")},
        },
    },
}

_ERRORS = {
    code: {"description": text, "content": {"application/json": {"schema": _ref("Error")}}}
    for code, text in {
        "400": "参数无效",
        "401": "缺少令牌或令牌无效/已吊销",
        "403": "令牌限定的单位不符",
        "404": "不存在或页码超出范围",
    }.items()
}

_PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 50},
    },
    {"name": "role", "in": "query", "schema": {"type": "string"}},
    {"name": "kind", "in": "query", "schema": {"type": "string"}},
]
_CAMPAIGN = {"name": "campaign_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def _get(summary: str, schema: str, params: list) -> dict:
    return {
        "get": {
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {"application/json": {"schema": _ref(schema)}},
                },
                **_ERRORS,
            },
        }
    }


def document() -> dict:
    """The whole OpenAPI document."""
    bureau = {"name": "bureau_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    user = {"name": "user_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "练兵 排名接口",
            "version": "1.0.0",
            "description": "只读接口。请求头 Authorization: Bearer <令牌>；"
            "令牌由市局管理员签发和吊销，"
            "可限定一个单位，限定单位的令牌只能读取该单位的数据。",
        },
        "servers": [{"url": BASE}],
        "security": [{"bearer": []}],
        "paths": {
            "/campaigns": _get("练兵活动列表", "CampaignList", []),
            "/campaigns/{campaign_id}/rankings": _get(
                "全市个人排名（分页）", "RankingPage", [_CAMPAIGN, *_PAGING]
            ),
            "/campaigns/{campaign_id}/bureaus/{bureau_id}/rankings": _get(
                "单位内个人排名（分页）", "RankingPage", [_CAMPAIGN, bureau, *_PAGING]
            ),
            "/campaigns/{campaign_id}/officers/{user_id}": _get(
                "个人得分明细", "OfficerBreakdown", [_CAMPAIGN, user]
            ),
            "/campaigns/{campaign_id}/bureau-ranking": _get(
                "集体排名", "BureauRanking", [_CAMPAIGN]
            ),
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
