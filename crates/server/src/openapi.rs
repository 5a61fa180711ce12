//! The OpenAPI 3.1 document, generated from the route table so it cannot
//! miss an endpoint.

use serde_json::{json, Map, Value};

use crate::routes::ROUTES;

pub fn document() -> Value {
    let mut paths = Map::new();
    for r in ROUTES.iter().filter(|r| r.api) {
        let params: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "integer", "format": "int64"}}))
            .collect();
        let mut op = json!({
            "summary": r.summary,
            "parameters": params,
            "responses": {
                "200": {"description": "OK"},
                "400": {"description": "Invalid input; `fields` names each bad field", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                "401": {"description": "Not signed in"},
                "403": {"description": "Not allowed, or missing/wrong X-CSRF-Token"},
                "404": {"description": "Not found, or outside the caller's scope"}
            }
        });
        if matches!(r.method, "POST" | "PUT" | "PATCH") {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object"}}}});
        }
        if r.path != "/api/v1/session" || r.method != "POST" {
            op["security"] = json!([{"session": [], "csrf": []}]);
        }
        let entry = paths.entry(r.path.to_string()).or_insert_with(|| json!({}));
        entry[r.method.to_lowercase()] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Jinghai (净海) API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "JSON API of the Clean Sea platform. Every list and read is limited to the caller's region and unit. Calls that change data need the X-CSRF-Token header with the csrf_token returned at sign-in."
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "jh_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"}
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "fields": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_api_route_is_documented() {
        let doc = super::document();
        for r in crate::routes::ROUTES.iter().filter(|r| r.api) {
            assert!(
                doc["paths"][r.path][r.method.to_lowercase()].is_object(),
                "{} {}",
                r.method,
                r.path
            );
        }
    }
}
