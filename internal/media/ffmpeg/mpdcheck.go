package ffmpeg

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The MPD schema's rules (ISO/IEC 23009-1, DASH-MPD.xsd) for the elements
// Lineup writes: each element's children in the order of the schema's
// sequence, its required attributes and their types. The official XSD
// file is not available to this project's build, so CheckMPD carries the
// rules it relies on; it is not a general MPD validator.
var mpdChildren = map[string][]string{
	"MPD": {"ProgramInformation", "BaseURL", "Location", "PatchLocation", "ServiceDescription", "InitializationSet",
		"InitializationGroup", "InitializationPresentation", "ContentProtection", "Period", "Metrics", "EssentialProperty",
		"SupplementalProperty", "UTCTiming", "LeapSecondInformation"},
	"Period": {"BaseURL", "SegmentBase", "SegmentList", "SegmentTemplate", "AssetIdentifier", "EventStream",
		"ServiceDescription", "ContentProtection", "AdaptationSet", "Subset", "SupplementalProperty", "EmptyAdaptationSet",
		"GroupLabel", "Preselection"},
	// RepresentationBase's elements first, then the AdaptationSet's own.
	"AdaptationSet": {"FramePacking", "AudioChannelConfiguration", "ContentProtection", "OutputProtection", "EssentialProperty",
		"SupplementalProperty", "InbandEventStream", "Switching", "RandomAccess", "GroupLabel", "Label", "ProducerReferenceTime",
		"ContentPopularityRate", "Resync", "Accessibility", "Role", "Rating", "Viewpoint", "ContentComponent", "BaseURL",
		"SegmentBase", "SegmentList", "SegmentTemplate", "Representation"},
	"Representation": {"FramePacking", "AudioChannelConfiguration", "ContentProtection", "OutputProtection", "EssentialProperty",
		"SupplementalProperty", "InbandEventStream", "Switching", "RandomAccess", "GroupLabel", "Label", "ProducerReferenceTime",
		"ContentPopularityRate", "Resync", "BaseURL", "ExtendedBandwidth", "SubRepresentation", "SegmentBase", "SegmentList",
		"SegmentTemplate"},
	"SegmentTemplate":           {"Initialization", "RepresentationIndex", "FailoverContent", "SegmentTimeline", "BitstreamSwitching"},
	"SegmentTimeline":           {"S"},
	"S":                         {},
	"Role":                      {},
	"AudioChannelConfiguration": {},
	"BaseURL":                   {},
}

// mpdRequired lists each element's required attributes and a check of
// their value.
var mpdRequired = map[string]map[string]func(string) bool{
	"MPD":                       {"profiles": nonEmpty, "minBufferTime": isDuration},
	"Representation":            {"id": noSpace, "bandwidth": isUnsigned},
	"S":                         {"d": isUnsigned},
	"Role":                      {"schemeIdUri": nonEmpty},
	"AudioChannelConfiguration": {"schemeIdUri": nonEmpty},
}

// mpdTyped lists optional attributes whose values have a type.
var mpdTyped = map[string]func(string) bool{
	"mediaPresentationDuration": isDuration, "minBufferTime": isDuration, "start": isDuration,
	"timescale": isUnsigned, "startNumber": isUnsigned, "t": isUnsigned, "d": isUnsigned, "r": isInteger,
	"width": isUnsigned, "height": isUnsigned, "maxWidth": isUnsigned, "maxHeight": isUnsigned, "bandwidth": isUnsigned,
	"audioSamplingRate": isUnsigned, "startWithSAP": isUnsigned, "segmentAlignment": isBool,
	"frameRate": regexp.MustCompile(`^[0-9]+(/[0-9]+)?$`).MatchString,
	"sar":       regexp.MustCompile(`^[0-9]+:[0-9]+$`).MatchString,
	"type":      func(s string) bool { return s == "static" || s == "dynamic" },
}

var (
	durationRE = regexp.MustCompile(`^-?P([0-9]+Y)?([0-9]+M)?([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?$`)
	nonEmpty   = func(s string) bool { return s != "" }
	noSpace    = func(s string) bool { return s != "" && !strings.ContainsAny(s, " \t\r\n") }
	isDuration = func(s string) bool { return durationRE.MatchString(s) && s != "P" && !strings.HasSuffix(s, "T") }
	isUnsigned = func(s string) bool { _, err := strconv.ParseUint(s, 10, 64); return err == nil }
	isInteger  = func(s string) bool { _, err := strconv.ParseInt(s, 10, 64); return err == nil }
	isBool     = func(s string) bool { return s == "true" || s == "false" || s == "0" || s == "1" }
)

const mpdNamespace = "urn:mpeg:dash:schema:mpd:2011"

// CheckMPD checks an MPD against the schema rules above and a few of
// ISO/IEC 23009-1's own: a static MPD has a mediaPresentationDuration,
// Representation IDs are unique, a SegmentTemplate names $Number$ or
// $Time$ in media. It returns every rule broken, joined.
func CheckMPD(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	type open struct {
		name  string
		order int // index in the parent's sequence of the last child seen
	}
	var stack []open
	var errs []error
	ids := map[string]bool{}
	rootSeen := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("ffmpeg: mpd: not well-formed XML: %w", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			name := el.Name.Local
			if el.Name.Space != mpdNamespace {
				errs = append(errs, fmt.Errorf("element %s is not in the MPD namespace", name))
			}
			if len(stack) == 0 {
				if name != "MPD" || rootSeen {
					errs = append(errs, fmt.Errorf("the root element must be one MPD, not %s", name))
				}
				rootSeen = true
			} else {
				parent := &stack[len(stack)-1]
				seq, known := mpdChildren[parent.name]
				i := slices.Index(seq, name)
				switch {
				case !known:
				case i < 0:
					errs = append(errs, fmt.Errorf("%s may not hold %s", parent.name, name))
				case i < parent.order:
					errs = append(errs, fmt.Errorf("in %s, %s comes after %s in the schema's sequence", parent.name, name, seq[parent.order]))
				default:
					parent.order = i
				}
			}
			attrs := map[string]string{}
			for _, a := range el.Attr {
				if a.Name.Space == "" {
					attrs[a.Name.Local] = a.Value
				}
			}
			for attr, ok := range mpdRequired[name] {
				v, present := attrs[attr]
				if !present || !ok(v) {
					errs = append(errs, fmt.Errorf("%s needs a valid %s (got %q)", name, attr, v))
				}
			}
			for attr, v := range attrs {
				if ok := mpdTyped[attr]; ok != nil && !ok(v) {
					errs = append(errs, fmt.Errorf("%s@%s=%q is not of its schema type", name, attr, v))
				}
			}
			switch name {
			case "MPD":
				if attrs["type"] != "dynamic" && attrs["mediaPresentationDuration"] == "" {
					errs = append(errs, errors.New("a static MPD needs mediaPresentationDuration"))
				}
			case "Representation":
				if ids[attrs["id"]] {
					errs = append(errs, fmt.Errorf("Representation id %q is used twice", attrs["id"]))
				}
				ids[attrs["id"]] = true
			case "SegmentTemplate":
				if m := attrs["media"]; !strings.Contains(m, "$Number") && !strings.Contains(m, "$Time$") {
					errs = append(errs, fmt.Errorf("SegmentTemplate media %q names neither $Number$ nor $Time$", m))
				}
			}
			stack = append(stack, open{name: name})
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	if !rootSeen {
		errs = append(errs, errors.New("no MPD element"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("ffmpeg: mpd: %w", errors.Join(errs...))
	}
	return nil
}
