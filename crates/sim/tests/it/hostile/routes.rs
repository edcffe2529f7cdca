//! Every method on every route and on unknown paths, with and without credentials: 404 for an
//! unknown path, 405 for a wrong method, 401 without credentials, else the route's answer;
//! arbitrary paths, methods and inspection query strings never get anything else.

use idenfy_model::{ApiError, ErrorIdentifier};
use proptest::prelude::{Strategy, prop_oneof};
use proptest::sample;
use reqwest::Method;

use super::{Expected, Route, Target, fail, rejection, run_property};

/// Methods worth trying: the standard ones and a few extensions.
fn methods() -> Vec<Method> {
    let mut methods = vec![
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
        Method::PATCH,
    ];
    for extension in ["PURGE", "PROPFIND", "X-CUSTOM", "post", "Get"] {
        methods.push(Method::from_bytes(extension.as_bytes()).unwrap());
    }
    methods
}

/// Paths the simulator does not serve.
const UNKNOWN_PATHS: &[&str] = &[
    "/",
    "/api",
    "/api/v2",
    "/api/v2/",
    "/api/v2/token/",
    "/api/v2/TOKEN",
    "//api/v2/token",
    "/api/v2/token/extra",
    "/api/v2/token%2F",
    "/api/v2/%FF%FE",
    "/api/v2/%00",
    "/api/v2/data",
    "/sim",
    "/sim/webhooks/1",
    "/api/v3/token",
];

/// What `method` on `path` with a route's valid body must get.
fn expected(method: &Method, path: &str, authorized: bool) -> Expected {
    let Some(route) = Route::at(path) else {
        return Expected::rejected(404, "NOT_FOUND", &format!("No endpoint {method} {path}."));
    };
    let serves =
        route.method() == method || (route.method() == Method::GET && method == Method::HEAD);
    if !serves {
        Expected::rejected(
            405,
            "METHOD_NOT_ALLOWED",
            &format!("Method {method} is not allowed on {path}."),
        )
    } else if !authorized {
        Expected::error((401, ApiError::unauthorized()))
    } else {
        route.expected(&serde_json::to_vec(&route.valid_body()).unwrap())
    }
}

/// Sends `method` to `path` and checks the answer; a HEAD answer has no body, so only its
/// status is checked.
fn check(target: &Target, method: &Method, path: &str, authorized: bool) -> Result<(), String> {
    let route_body = Route::at(path).map_or(serde_json::Value::Null, Route::valid_body);
    let authorization = target.api.authorization().as_bytes().to_vec();
    let answer = target.send(
        method.clone(),
        path,
        Some(b"application/json"),
        authorized.then_some(authorization.as_slice()),
        serde_json::to_vec(&route_body).unwrap(),
    );
    let expected = expected(method, path, authorized);
    let result = if method == Method::HEAD {
        if answer.status == expected.status {
            Ok(())
        } else {
            Err(fail(format!("expected {expected:?}, got {answer:?}")))
        }
    } else {
        expected.check(&answer)
    };
    result.map_err(|error| format!("{method} {path} (authorized: {authorized}): {error}"))
}

#[test]
fn every_method_on_every_route_and_unknown_path() {
    let target = Target::start();
    let paths = Route::ALL
        .iter()
        .map(|route| route.path())
        .chain(UNKNOWN_PATHS.iter().copied());
    for path in paths {
        for method in methods() {
            for authorized in [false, true] {
                check(&target, &method, path, authorized).unwrap();
            }
        }
    }
    target.still_serves().unwrap();
}

#[test]
fn arbitrary_paths_and_methods_get_404_405_or_the_routes_answer() {
    let known = Route::ALL
        .iter()
        .map(|route| route.path())
        .collect::<Vec<_>>();
    let path = prop_oneof![
        "(/[a-zA-Z0-9._~%-]{0,12}){1,5}",
        sample::select(known).prop_map(str::to_owned),
    ];
    let method = prop_oneof![
        sample::select(methods()),
        "[A-Za-z]{1,12}".prop_map(|name| Method::from_bytes(name.as_bytes()).unwrap()),
    ];
    run_property(
        192,
        (path, method, proptest::bool::ANY),
        |target, (path, method, authorized)| {
            // The client normalises the path (dot segments, escapes), so check what is sent.
            let url = reqwest::Url::parse(&format!("{}{path}", target.api.base()))
                .map_err(|error| fail(format!("{path}: {error}")))?;
            check(target, &method, url.path(), authorized).map_err(fail)
        },
    );
}

#[test]
fn arbitrary_inspection_query_strings_get_200_or_400() {
    let query = prop_oneof![
        "[ -~]{0,48}",
        "(scanRef|event|x)=[a-zA-Z0-9%_+&=-]{0,24}",
        "scanRef=%[0-9A-F]{2}(%[0-9A-F]{2})?",
    ];
    run_property(128, query, |target, query| {
        let url = reqwest::Url::parse(&format!("{}/sim/webhooks?{query}", target.api.base()))
            .map_err(|error| fail(format!("{query}: {error}")))?;
        let path_and_query = format!("{}?{}", url.path(), url.query().unwrap_or_default());
        let answer = target.send(
            Method::GET,
            &path_and_query,
            None,
            Some(target.api.authorization().as_bytes()),
            Vec::new(),
        );
        if answer.status == 200 {
            return if answer.body.is_array() {
                Ok(())
            } else {
                Err(fail(format!("{query}: {answer:?}")))
            };
        }
        let error = rejection(&answer)?;
        if answer.status == 400 && error.identifier == ErrorIdentifier::BadValue {
            Ok(())
        } else {
            Err(fail(format!("{query}: {answer:?}")))
        }
    });
}
