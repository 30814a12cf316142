// Package docs holds the project's reference pages (causes.md and logs.md
// are generated, contract.md is the JSON report contract). It has no
// code: its tests keep every Markdown link in the repository resolving
// and every Markdown file that documentation or Go code names present.
package docs
