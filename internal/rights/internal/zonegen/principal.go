package main

// principal names the principal zone of the multi-zone countries whose
// most populous zone zone.tab does not list first.
//
// zone.tab orders each country's zones "in an order that (1) makes some
// geographical sense, and (2) puts the most populous zones first, where
// that does not contradict (1)" (its own header). For most countries with
// several zones that puts the principal zone first (US → New_York,
// MX → Mexico_City, ID → Jakarta, CN → Shanghai, NZ → Auckland); where the
// geographical order wins, the first zone is a small one (AU → Lord_Howe,
// CA → St_Johns, BR → Noronha, RU → Kaliningrad). For those, and only
// those, the principal zone is the zone of the country's largest city.
//
// Source: each country's largest city by population in its latest census
// (Sydney, São Paulo, Toronto, Moscow, Kyiv, Tashkent).
var principal = map[string]string{
	"AU": "Australia/Sydney",
	"BR": "America/Sao_Paulo",
	"CA": "America/Toronto",
	"RU": "Europe/Moscow",
	"UA": "Europe/Kyiv",
	"UZ": "Asia/Tashkent",
}
