using System.Formats.Asn1;

namespace SmimeGraph.Smime;

/// <summary>Reads rfc822Name entries from a SubjectAltName extension value.</summary>
internal static class SubjectAltNameReader
{
    // RFC 5280 §4.2.1.6:
    //   SubjectAltName ::= GeneralNames
    //   GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName
    //   GeneralName ::= CHOICE { otherName [0], rfc822Name [1] IA5String, dNSName [2] IA5String, ... }
    public static IReadOnlyList<string> ReadRfc822Names(ReadOnlyMemory<byte> extensionValue)
    {
        var names = new List<string>();
        try
        {
            var reader = new AsnReader(extensionValue, AsnEncodingRules.DER);
            AsnReader sequence = reader.ReadSequence();
            var rfc822 = new Asn1Tag(TagClass.ContextSpecific, 1);
            while (sequence.HasData)
            {
                Asn1Tag tag = sequence.PeekTag();
                if (tag.HasSameClassAndValue(rfc822))
                {
                    names.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, rfc822));
                }
                else
                {
                    sequence.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException)
        {
            // A malformed SAN names no address.
        }

        return names;
    }
}
