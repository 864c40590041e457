package tenancy_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportedNamesAreDocumented fails when an exported name of a library
// package (not examples) has no doc comment, or one that does not start with
// the name it documents.
func TestExportedNamesAreDocumented(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "examples" || d.Name() == "testdata" || d.Name() == "docs") {
			return filepath.SkipDir
		}
		checkPackageDocs(t, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkPackageDocs(t *testing.T, dir string) {
	fset := token.NewFileSet()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) == 0 || files[0].Name.Name == "main" {
		return
	}
	{
		dp, err := doc.NewFromFiles(fset, files, "./"+dir)
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(dp.Doc) == "" {
			t.Errorf("package %s has no package comment", dir)
		}
		check := func(name, text string) {
			if !ast.IsExported(name) {
				return
			}
			text = strings.TrimSpace(text)
			if text == "" {
				t.Errorf("%s: %s has no doc comment", dir, name)
				return
			}
			// A doc comment starts with the name, optionally after an article.
			for _, art := range []string{"", "A ", "An ", "The "} {
				if strings.HasPrefix(text, art+name) {
					return
				}
			}
			t.Errorf("%s: the doc comment of %s does not start with its name: %q", dir, name, firstLine(text))
		}
		for _, f := range dp.Funcs {
			check(f.Name, f.Doc)
		}
		for _, ty := range dp.Types {
			check(ty.Name, ty.Doc)
			for _, f := range append(ty.Funcs, ty.Methods...) {
				check(f.Name, f.Doc)
			}
			checkValues(t, dir, ty.Consts, fset)
			checkValues(t, dir, ty.Vars, fset)
		}
		checkValues(t, dir, dp.Consts, fset)
		checkValues(t, dir, dp.Vars, fset)
	}
}

// checkValues requires a doc comment on every group of exported constants or
// variables, or on each exported name of an undocumented group.
func checkValues(t *testing.T, dir string, vals []*doc.Value, fset *token.FileSet) {
	for _, v := range vals {
		if strings.TrimSpace(v.Doc) != "" {
			continue
		}
		for _, spec := range v.Decl.Specs {
			vs := spec.(*ast.ValueSpec)
			for _, n := range vs.Names {
				if ast.IsExported(n.Name) && vs.Doc == nil && vs.Comment == nil {
					t.Errorf("%s: %s (%s) has no doc comment", dir, n.Name, fset.Position(n.Pos()))
				}
			}
		}
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
