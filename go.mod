module github.com/tenancykit/tenancy

go 1.25.0

require (
	github.com/benbjohnson/clock v1.3.5
	github.com/google/go-cmp v0.7.0
	github.com/shopspring/decimal v1.6.0
	golang.org/x/text v0.41.0
	pgregory.net/rapid v1.3.0
)
