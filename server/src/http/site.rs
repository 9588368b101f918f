//! The built site's files: the names cargo-leptos gave them (`hash-files`:
//! each named by its content, the names written to `hash.txt` beside the
//! binary) and how long a browser may keep them. A hashed name changes with
//! its content, so the browser may keep it for a year without asking again;
//! anything else it must revalidate (a cheap 304) so a release shows at once.

use std::path::Path;

use axum::{
    extract::Request,
    http::{header::CACHE_CONTROL, HeaderValue},
    middleware::Next,
    response::Response,
};

const FOR_EVER: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const ASK_FIRST: HeaderValue = HeaderValue::from_static("no-cache");

/// What cargo-leptos wrote in `hash.txt`, if it hashed the files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteFiles {
    /// The stylesheet's content hash (`css: …`).
    css_hash: Option<String>,
}

impl SiteFiles {
    /// Reads `hash.txt` beside the running binary, where Leptos's own
    /// hydration scripts read the script's and the wasm's names.
    pub fn beside_binary() -> Self {
        let hash_file = std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")));
        hash_file.as_deref().map_or_else(Self::default, Self::read)
    }

    fn read(path: &Path) -> Self {
        std::fs::read_to_string(path).map(|text| Self::parse(&text)).unwrap_or_default()
    }

    fn parse(text: &str) -> Self {
        let css_hash = text
            .lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.trim() == "css")
            .map(|(_, hash)| hash.trim().to_owned())
            .filter(|hash| !hash.is_empty());
        Self { css_hash }
    }

    pub fn hashed(&self) -> bool {
        self.css_hash.is_some()
    }

    pub fn stylesheet_href(&self) -> String {
        match &self.css_hash {
            Some(hash) => format!("/pkg/chf.{hash}.css"),
            None => "/pkg/chf.css".to_owned(),
        }
    }
}

/// Sets how long a browser may keep a file we serve from the site, unless
/// the handler chose already (pages and API answers choose their own).
pub async fn caching(hashed: bool, request: Request, next: Next) -> Response {
    let built = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    if response.status().is_success() && !response.headers().contains_key(CACHE_CONTROL) {
        let static_file = built || response.headers().contains_key(axum::http::header::LAST_MODIFIED);
        if static_file {
            let policy = if built && hashed { FOR_EVER } else { ASK_FIRST };
            response.headers_mut().insert(CACHE_CONTROL, policy);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_is_named_by_its_hash_when_there_is_one() {
        let hashed = SiteFiles::parse("js: AbC\nwasm: dEf\ncss: Gh-_1\n");
        assert!(hashed.hashed());
        assert_eq!(hashed.stylesheet_href(), "/pkg/chf.Gh-_1.css");
        let plain = SiteFiles::parse("");
        assert!(!plain.hashed());
        assert_eq!(plain.stylesheet_href(), "/pkg/chf.css");
        assert_eq!(SiteFiles::read(Path::new("/nonexistent/hash.txt")), SiteFiles::default());
    }
}
