// Command oracle answers expressions the way the Orchestration service does, with
// expr-lang/expr v1.15.6 itself: one JSON request per line on stdin
// ({"src": "...", "event": ...}), one JSON answer per line on stdout.
// It is built and run by generate.py; the test suite only reads its answers.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/expr-lang/expr"
)

type request struct {
	Src   string          `json:"src"`
	Event json.RawMessage `json:"event"`
}

type answer struct {
	Compile   string `json:"compile,omitempty"`
	Eval      string `json:"eval,omitempty"`
	Unwrapped string `json:"unwrapped,omitempty"`
	Value     string `json:"value,omitempty"`
	Type      string `json:"type,omitempty"`
	Var       string `json:"var,omitempty"`
	VarErr    string `json:"varerr,omitempty"`
}

// link stands in for the service's link(): it always fails, with a known text.
func link(params ...any) (any, error) {
	return nil, fmt.Errorf("link called with %d", len(params))
}

func evaluate(r request) (res answer) {
	defer func() {
		if p := recover(); p != nil {
			res = answer{Eval: fmt.Sprintf("GO PANIC: %v", p)}
		}
	}()
	// Trigger creation compiles without options; evaluation compiles with link.
	if _, err := expr.Compile(r.Src); err != nil {
		return answer{Compile: err.Error()}
	}
	program, err := expr.Compile(r.Src, expr.Function("link", link))
	if err != nil {
		return answer{Eval: err.Error()}
	}
	var event any
	if len(r.Event) > 0 {
		if err := json.Unmarshal(r.Event, &event); err != nil {
			panic(err)
		}
	}
	value, err := expr.Run(program, map[string]any{"event": event})
	if err != nil {
		res.Eval = err.Error()
		if cause := errors.Unwrap(err); cause != nil {
			res.Unwrapped = cause.Error()
		}
		return res
	}
	res.Value = fmt.Sprint(value)
	res.Type = fmt.Sprintf("%T", value)
	switch value.(type) {
	case float64, float32: // as the service formats a variable
		data, err := json.Marshal(value)
		if err != nil {
			res.VarErr = err.Error()
		} else {
			res.Var = string(data)
		}
	default:
		res.Var = fmt.Sprint(value)
	}
	return res
}

func main() {
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 64<<20), 64<<20)
	out := json.NewEncoder(os.Stdout)
	for scanner.Scan() {
		var r request
		if err := json.Unmarshal(scanner.Bytes(), &r); err != nil {
			panic(err)
		}
		if err := out.Encode(evaluate(r)); err != nil {
			panic(err)
		}
	}
}
