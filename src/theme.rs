//! The default theme compiled into the binary: templates and static files a site may override.

/// Default templates by name; a file of the same name in the site's `templates/` replaces one.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("page.html", include_str!("../templates/page.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("list.html", include_str!("../templates/list.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("sitemap.xml", include_str!("../templates/sitemap.xml")),
    ("atom.xml", include_str!("../templates/atom.xml")),
    ("robots.txt", include_str!("../templates/robots.txt")),
    ("search.html", include_str!("../templates/search.html")),
    (
        "validators.html",
        include_str!("../templates/validators.html"),
    ),
];

/// Default static files by output path; a file at the same path in `static/` replaces one.
pub const STATIC: &[(&str, &str)] = &[
    ("css/errbook.css", include_str!("../static/css/errbook.css")),
    ("js/errbook.js", include_str!("../static/js/errbook.js")),
    ("js/validator.js", include_str!("../static/js/validator.js")),
    (
        "css/validator.css",
        include_str!("../static/css/validator.css"),
    ),
    ("js/search.js", include_str!("../static/js/search.js")),
    (
        "css/highlight.css",
        include_str!("../static/css/highlight.css"),
    ),
];
