"""The public charter site (issue 5): the code of conduct, the flowchart, tips, help, signatories, joining.

Stable addresses `/{lang}/{page}` in nl, fr, en and de, no login. The texts are Markdown files under
content/<lang>/ that the charter's maintainers edit (docs/site.md); `hierniet site check` reports every
missing translation. Build the routes with `hierniet.web.site.routes.site_router()`.
"""
