module github.com/tenancykit/tenancy/bench

go 1.25.0

require (
	github.com/looplab/fsm v1.0.3
	github.com/qmuntal/stateless v1.7.2
	github.com/tenancykit/tenancy v0.0.0
)

require github.com/shopspring/decimal v1.6.0 // indirect

replace github.com/tenancykit/tenancy => ../
