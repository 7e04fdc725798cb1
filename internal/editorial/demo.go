package editorial

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
)

// DemoStill is one of the stills the demo interview shows: an image
// generated for the demo (not a frame of the film), with its caption and
// credit as the story gives them. Key is where the demo loader stores it
// in the media store.
type DemoStill struct {
	Key     string
	Caption string
	Credit  string
}

// demoCredit credits the demo's generated stills.
const demoCredit = "Generated for the Lineup demo; not a frame of the film"

// DemoStills returns the demo interview's stills, in the order it shows
// them.
func DemoStills() []DemoStill {
	return []DemoStill{
		{Key: "demo/stills/us-and-them-train.png", Caption: "A night train home for the New Year, as the demo imagines the film's first meeting.", Credit: demoCredit},
		{Key: "demo/stills/us-and-them-hailar.png", Caption: "Snow under a pale sky: a stand-in for Hailar, where the film was shot in part, at about −30 °C.", Credit: demoCredit},
		{Key: "demo/stills/us-and-them-beijing.png", Caption: "A city at dusk, for the ten years in Beijing.", Credit: demoCredit},
	}
}

// DemoStory returns the demo's interview in the Markdown convention: a
// short interview written for the demo in its own words, attached to
// 后来的我们 (Us and Them) with René Liu, its credited director, as the
// answering person. It says plainly, in its headline, standfirst and first
// paragraph, that it is not a real interview; the answers only restate the
// facts in the project's shared facts, and quote no one.
func DemoStory() []byte {
	var b strings.Builder
	b.WriteString(`---
headline: A demo interview: René Liu on a train home and ten years after
standfirst: Written for Lineup's demo. This is *not* a real interview: René Liu did not say these words, and the answers only restate facts about the film.
publication: Lineup demo
author: The Lineup demo
date: 2018-06-22
language: en
kind: interview
slug: demo-interview-rene-liu-us-and-them
title: 后来的我们
---

This page shows how Lineup presents an interview next to the film it is about. The questions and answers below were written for the demo; each answer is tied to a person credited on *Us and Them* (后来的我们), here its director.

`)
	stills := DemoStills()
	b.WriteString(fmt.Sprintf("![%s](%s \"%s\")\n\n", stills[0].Caption, stills[0].Key, stills[0].Credit))
	b.WriteString(`**Q:** Where does the story come from?

**René Liu:** (Demo answer.) From a short story, *Home for Chinese New Year*, published in 2011. For the film the story moved from Taipei to Beijing.

**Q:** What happens in it?

**René Liu:** (Demo answer.) A man and a woman meet on a train home for the New Year, and stay entangled for ten years.

`)
	b.WriteString(fmt.Sprintf("![%s](%s \"%s\")\n\n", stills[1].Caption, stills[1].Key, stills[1].Credit))
	b.WriteString(`**Q:** Where was it filmed?

**René Liu:** (Demo answer.) In part in Hailar, at about −30 °C.

`)
	b.WriteString(fmt.Sprintf("![%s](%s \"%s\")\n\n", stills[2].Caption, stills[2].Key, stills[2].Credit))
	b.WriteString(`## About this page

Everything above is demo text. The facts it restates come from the project's facts file: the film is René Liu's first feature as director, it opened in mainland China on 2018-04-28, and it streams worldwide, except in mainland China, from 2018-06-22.
`)
	return []byte(b.String())
}

// DemoStillPNG draws the demo still stored under key (one of DemoStills'
// keys) as a 640×360 PNG: a simple generated picture, not a frame of the
// film. An unknown key is an error.
func DemoStillPNG(key string) ([]byte, error) {
	const w, h = 640, 360
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	lerp := func(a, b color.RGBA, t float64) color.RGBA {
		m := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t) }
		return color.RGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), 255}
	}
	sky := func(top, bottom color.RGBA, horizon int) {
		for y := 0; y < horizon; y++ {
			c := lerp(top, bottom, float64(y)/float64(horizon))
			for x := 0; x < w; x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	fill := func(x0, y0, x1, y1 int, c color.RGBA) {
		for y := max(y0, 0); y < min(y1, h); y++ {
			for x := max(x0, 0); x < min(x1, w); x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	switch key {
	case "demo/stills/us-and-them-train.png":
		sky(color.RGBA{8, 12, 40, 255}, color.RGBA{30, 40, 80, 255}, h)
		fill(0, 220, w, 300, color.RGBA{20, 22, 30, 255}) // the carriage
		for x := 20; x < w; x += 70 {
			fill(x, 235, x+46, 270, color.RGBA{250, 210, 120, 255}) // lit windows
		}
		fill(0, 300, w, 306, color.RGBA{90, 90, 100, 255}) // the rail
	case "demo/stills/us-and-them-hailar.png":
		sky(color.RGBA{200, 215, 230, 255}, color.RGBA{240, 244, 248, 255}, 200)
		fill(0, 200, w, h, color.RGBA{248, 250, 252, 255}) // snow
		for x := 30; x < w; x += 55 {
			fill(x, 150+(x*7)%30, x+6, 205, color.RGBA{60, 70, 80, 255}) // trees
		}
	case "demo/stills/us-and-them-beijing.png":
		sky(color.RGBA{250, 160, 90, 255}, color.RGBA{90, 60, 110, 255}, h)
		for i, x := 0, 0; x < w; i, x = i+1, x+48 {
			top := 160 + (i*53)%120
			fill(x, top, x+42, h, color.RGBA{35, 30, 50, 255}) // towers
			for y := top + 12; y < h-10; y += 22 {
				if (x/48+y/22)%3 == 0 {
					fill(x+10, y, x+18, y+8, color.RGBA{255, 220, 150, 255})
				}
			}
		}
	default:
		return nil, fmt.Errorf("editorial: no demo still %q", key)
	}
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, fmt.Errorf("editorial: draw demo still: %w", err)
	}
	return out.Bytes(), nil
}
