//! `string_enum!`: a closed set of codes stored as text, each with its
//! Chinese and English name (scoring, bulletins, patrols and the modules of
//! issue #8). Defined before the modules so that all of them can use it.

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal, $zh:literal, $en:literal;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant,)* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $s,)* } }
            pub fn parse(s: &str) -> Option<$name> { Self::ALL.iter().copied().find(|x| x.as_str() == s) }
            pub fn zh(self) -> &'static str { match self { $($name::$variant => $zh,)* } }
            pub fn en(self) -> &'static str { match self { $($name::$variant => $en,)* } }
            /// The name in `lang`.
            pub fn name(self, lang: $crate::Lang) -> &'static str { lang.pick(self.zh(), self.en()) }
        }
    };
}
