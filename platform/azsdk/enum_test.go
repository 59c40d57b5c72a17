package azsdk

import (
	"testing"

	"google.golang.org/protobuf/types/descriptorpb"
)

// TestEnum: ARM's spelling maps to the enum value of that name after the prefix, words
// split by '_' and case aside; anything else is the zero value.
func TestEnum(t *testing.T) {
	type label = descriptorpb.FieldDescriptorProto_Label
	type ctype = descriptorpb.FieldOptions_CType
	for _, tc := range []struct {
		arm       string
		got, want int32
	}{
		{"Repeated", int32(Enum[label]("LABEL_", "Repeated")), int32(descriptorpb.FieldDescriptorProto_LABEL_REPEATED)},
		{"required", int32(Enum[label]("LABEL_", "required")), int32(descriptorpb.FieldDescriptorProto_LABEL_REQUIRED)},
		{"StringPiece", int32(Enum[ctype]("", "StringPiece")), int32(descriptorpb.FieldOptions_STRING_PIECE)},
		{"String_Piece", int32(Enum[ctype]("", "String_Piece")), 0},
		{"Unknown", int32(Enum[label]("LABEL_", "Unknown")), 0},
		{"", int32(Enum[label]("LABEL_", "")), 0},
	} {
		if tc.got != tc.want {
			t.Errorf("%q: got %d, want %d", tc.arm, tc.got, tc.want)
		}
	}
}
