package net

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/cupgo/cup/errs"
)

func answering(t *testing.T, body string, status int) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	return s.URL
}

func deadURL(t *testing.T) string {
	s := httptest.NewServer(http.NotFoundHandler())
	u := s.URL
	s.Close()
	return u
}

func TestPublicIPv4(t *testing.T) {
	ok := http.StatusOK
	tests := []struct {
		name    string
		eps     []string
		want    string
		wantErr bool
	}{
		{"majority", []string{answering(t, "1.1.1.1\n", ok), answering(t, "1.1.1.1", ok), answering(t, "2.2.2.2", ok)}, "1.1.1.1", false},
		{"majority last", []string{answering(t, "2.2.2.2", ok), answering(t, " 1.1.1.1 ", ok), answering(t, "1.1.1.1\r\n", ok)}, "1.1.1.1", false},
		{"tie goes to the first", []string{answering(t, "3.3.3.3", ok), answering(t, "4.4.4.4", ok)}, "3.3.3.3", false},
		{"garbage ignored", []string{answering(t, "<html>busy</html>", ok), answering(t, "::1", ok), answering(t, "5.5.5.5", ok), answering(t, "5.5.5.5", http.StatusInternalServerError)}, "5.5.5.5", false},
		{"one dead", []string{deadURL(t), answering(t, "6.6.6.6", ok)}, "6.6.6.6", false},
		{"all fail", []string{deadURL(t), answering(t, "x", ok), answering(t, "7.7.7.7", http.StatusBadGateway)}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PublicIPv4(t.Context(), tt.eps...)
			if tt.wantErr {
				if !errors.Is(err, errs.ErrNet) {
					t.Fatalf("PublicIPv4 = %v, %v; want ErrNet", got, err)
				}
				return
			}
			if err != nil || got != netip.MustParseAddr(tt.want) {
				t.Fatalf("PublicIPv4 = %v, %v; want %s", got, err, tt.want)
			}
		})
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := PublicIPv4(ctx, answering(t, "1.1.1.1", ok)); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
}
