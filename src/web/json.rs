//! # JSON writer
//!
//! The one way JSON answers are built: an object builder whose strings are
//! always escaped (`<`, `>` and `&` too, so JSON shown by a browser can never
//! form a tag). Output only; ftpgate never parses JSON.

use std::fmt::Write as _;

/// A JSON object being written, key by key.
#[derive(Debug, Default)]
pub struct Object {
    out: String,
}

impl Object {
    pub fn new() -> Object {
        Object::default()
    }

    fn key(&mut self, key: &str) {
        self.out.push(if self.out.is_empty() { '{' } else { ',' });
        self.out.push_str(&string(key));
        self.out.push(':');
    }

    /// `"key": "value"`, escaped.
    pub fn str(mut self, key: &str, value: &str) -> Object {
        self.key(key);
        self.out.push_str(&string(value));
        self
    }

    /// `"key": 123`.
    pub fn num(mut self, key: &str, value: impl Into<i128>) -> Object {
        self.key(key);
        let _ = write!(self.out, "{}", value.into());
        self
    }

    /// `"key": true`.
    pub fn bool(mut self, key: &str, value: bool) -> Object {
        self.key(key);
        self.out.push_str(if value { "true" } else { "false" });
        self
    }

    /// `"key": null` when `value` is `None`, else the value written by `some`.
    pub fn opt<T>(
        self,
        key: &str,
        value: Option<T>,
        some: impl FnOnce(Object, &str, T) -> Object,
    ) -> Object {
        match value {
            Some(v) => some(self, key, v),
            None => self.raw(key, "null"),
        }
    }

    /// `"key": ["a", "b"]`.
    pub fn strs<'a>(self, key: &str, values: impl IntoIterator<Item = &'a str>) -> Object {
        let items: Vec<String> = values.into_iter().map(string).collect();
        self.raw(key, &format!("[{}]", items.join(",")))
    }

    /// `"key": [{..}, {..}]`: objects this module wrote.
    pub fn objects(self, key: &str, objects: impl IntoIterator<Item = Object>) -> Object {
        let items: Vec<String> = objects.into_iter().map(Object::finish).collect();
        self.raw(key, &format!("[{}]", items.join(",")))
    }

    /// `"key": <json>` for JSON this module wrote.
    fn raw(mut self, key: &str, json: &str) -> Object {
        self.key(key);
        self.out.push_str(json);
        self
    }

    /// The finished object.
    pub fn finish(mut self) -> String {
        if self.out.is_empty() {
            self.out.push('{');
        }
        self.out.push('}');
        self.out
    }
}

/// A JSON string literal (with quotes).
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '<' || c == '>' || c == '&' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(string("a\"b\\c\n<x>"), r#""a\"b\\c\n\u003cx\u003e""#);
        assert_eq!(string("é✓"), "\"é✓\"");
        assert_eq!(string("\u{1}"), r#""\u0001""#);
    }

    #[test]
    fn builds_objects_with_every_kind_of_value() {
        let json = Object::new()
            .str("path", "/a&b")
            .num("size", -1i64)
            .bool("empty", false)
            .opt("modified", None::<&str>, |o, k, v| o.str(k, v))
            .strs("uploaded", ["a", "b"])
            .finish();
        assert_eq!(
            json,
            r#"{"path":"/a\u0026b","size":-1,"empty":false,"modified":null,"uploaded":["a","b"]}"#
        );
        assert_eq!(Object::new().finish(), "{}");
    }
}
