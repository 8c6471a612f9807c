module github.com/gocognito/cognitosrp

go 1.24
