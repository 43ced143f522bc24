using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Cms;

namespace SmimeGraph.Smime;

/// <summary>
/// Builds and checks a certificate chain (RFC 5280 §6) to the caller's trust anchors at a fixed
/// validation time, offline, then applies the S/MIME certificate policy and optional CRLs.
/// </summary>
internal static class ChainValidator
{
    public static ChainValidationResult Validate(X509Certificate2 certificate, IEnumerable<X509Certificate2> embeddedCertificates, ChainValidationOptions options, CertificatePurpose purpose)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(options);
        DateTimeOffset at = options.ValidationTime ?? DateTimeOffset.UtcNow;
        var problems = new List<InspectionProblem>();
        var elements = new List<X509Certificate2>();
        // RFC 5280 §6.1.1(d): a trust anchor is a name and a key; it need not be self-signed.
        // .NET's custom root trust accepts only self-signed roots (an intermediate there ends in
        // PartialChain), so self-signed anchors go to the trust store and the others are found
        // in the built path: the path is cut at the first element that is an anchor, and every
        // check on the elements below it (signatures, validity, key usage, name constraints as
        // .NET enforces them) still applies.
        List<X509Certificate2> roots = [.. options.TrustAnchors.Where(IsSelfIssued)];
        List<X509Certificate2> intermediates = [.. options.TrustAnchors.Where(a => !IsSelfIssued(a))];
        using (var chain = new X509Chain())
        {
            X509ChainPolicy policy = chain.ChainPolicy;
            policy.RevocationMode = X509RevocationMode.NoCheck;
            policy.DisableCertificateDownloads = true;
            policy.VerificationTime = at.UtcDateTime;
            policy.VerificationTimeIgnored = false;
            if (options.TrustAnchors.Count > 0)
            {
                policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                foreach (X509Certificate2 anchor in roots)
                {
                    policy.CustomTrustStore.Add(anchor);
                }
            }

            foreach (X509Certificate2 extra in embeddedCertificates.Concat(options.ExtraCertificates).Concat(intermediates))
            {
                policy.ExtraStore.Add(extra);
            }

            if (intermediates.Count > 0)
            {
                // Only so that Build completes a path above an intermediate anchor; whether the
                // path reaches an anchor is decided below, from the elements themselves.
                policy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
            }

            bool built;
            try
            {
                built = chain.Build(certificate);
            }
            catch (CryptographicException ex)
            {
                built = false;
                problems.Add(new(InspectionProblemCodes.CertificateUnreadable, "the chain could not be built: " + ex.Message));
            }

            int anchorAt = -1;
            for (int i = 0; i < chain.ChainElements.Count && anchorAt < 0; i++)
            {
                if (intermediates.Any(a => IsSameAnchor(a, chain.ChainElements[i].Certificate)))
                {
                    anchorAt = i;
                }
            }

            int last = anchorAt >= 0 ? anchorAt : chain.ChainElements.Count - 1;
            for (int i = 0; i <= last; i++)
            {
                elements.Add(chain.ChainElements[i].Certificate);
            }

            if (anchorAt >= 0)
            {
                // Statuses of the path up to the anchor; "no trusted root above it" is not a problem.
                foreach (X509ChainStatus status in chain.ChainElements.Take(anchorAt + 1).SelectMany(e => e.ChainElementStatus).DistinctBy(s => s.Status))
                {
                    if (status.Status is not (X509ChainStatusFlags.NoError or X509ChainStatusFlags.PartialChain or X509ChainStatusFlags.UntrustedRoot))
                    {
                        problems.Add(new(CodeOf(status.Status), $"{status.Status}: {status.StatusInformation.Trim()}"));
                    }
                }
            }
            else
            {
                foreach (X509ChainStatus status in chain.ChainStatus)
                {
                    if (status.Status != X509ChainStatusFlags.NoError)
                    {
                        problems.Add(new(CodeOf(status.Status), $"{status.Status}: {status.StatusInformation.Trim()}"));
                    }
                }

                // AllowUnknownCertificateAuthority lets Build succeed below an unknown CA: without
                // an intermediate anchor in the path, the top must be a configured root.
                bool unanchored = intermediates.Count > 0 && !problems.Any(p => p.Code == InspectionProblemCodes.NoTrustAnchor)
                    && !(chain.ChainElements.Count > 0 && roots.Any(r => IsSameAnchor(r, chain.ChainElements[^1].Certificate)));
                if ((!built && problems.Count == 0) || unanchored)
                {
                    problems.Add(new(InspectionProblemCodes.NoTrustAnchor, "no chain to a trust anchor could be built"));
                }
            }
        }

        try
        {
            foreach (string problem in CertificatePolicy.Evaluate(certificate, purpose, at))
            {
                problems.Add(new(InspectionProblemCodes.CertificatePolicy, "certificate policy: " + problem));
            }
        }
        catch (CryptographicException ex)
        {
            problems.Add(new(InspectionProblemCodes.CertificateUnreadable, "certificate policy: the certificate cannot be read: " + ex.Message));
        }

        if (options.CertificateRevocationLists.Count > 0)
        {
            problems.AddRange(CheckRevocation(elements, options.CertificateRevocationLists, at));
        }

        return new ChainValidationResult(problems.Count == 0, problems, elements, at);
    }

    private static bool IsSelfIssued(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);

    // RFC 5280 §6.1.1(d): the anchor is its name and public key.
    private static bool IsSameAnchor(X509Certificate2 anchor, X509Certificate2 element) =>
        anchor.SubjectName.RawData.AsSpan().SequenceEqual(element.SubjectName.RawData)
        && anchor.PublicKey.EncodedKeyValue.RawData.AsSpan().SequenceEqual(element.PublicKey.EncodedKeyValue.RawData)
        && anchor.PublicKey.Oid.Value == element.PublicKey.Oid.Value;

    // X509Chain on Linux reads CRLs only from its cache or the network; offline CRLs are checked
    // here: a CRL counts only when its issuer's key (the next chain element) verifies it.
    // RFC 5280 §6.1.3: which check an X509Chain status flag stands for.
    private static string CodeOf(X509ChainStatusFlags status) => status switch
    {
        X509ChainStatusFlags.PartialChain or X509ChainStatusFlags.UntrustedRoot => InspectionProblemCodes.NoTrustAnchor,
        X509ChainStatusFlags.NotTimeValid or X509ChainStatusFlags.NotTimeNested => InspectionProblemCodes.CertificateExpired,
        X509ChainStatusFlags.Revoked => InspectionProblemCodes.CertificateRevoked,
        _ => InspectionProblemCodes.CertificateChainInvalid,
    };

    private static IEnumerable<InspectionProblem> CheckRevocation(List<X509Certificate2> chain, IList<byte[]> crls, DateTimeOffset at)
    {
        var problems = new List<InspectionProblem>();
        for (int i = 0; i + 1 < chain.Count; i++)
        {
            X509Certificate2 subject = chain[i];
            X509Certificate2 issuer = chain[i + 1];
            foreach (byte[] crl in crls)
            {
                if (TryReadCrl(crl, issuer, out List<(BigInteger Serial, DateTimeOffset Date)>? revoked))
                {
                    var serial = new BigInteger(subject.SerialNumberBytes.Span, isUnsigned: false, isBigEndian: true);
                    foreach ((BigInteger revokedSerial, DateTimeOffset date) in revoked)
                    {
                        if (revokedSerial == serial && date <= at)
                        {
                            problems.Add(new(InspectionProblemCodes.CertificateRevoked, $"Revoked: {subject.Subject} was revoked on {date.UtcDateTime:u}"));
                        }
                    }
                }
            }
        }

        return problems;
    }

    // RFC 5280 §5.1:
    //   CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
    //   TBSCertList ::= SEQUENCE {
    //     version Version OPTIONAL, signature AlgorithmIdentifier, issuer Name, thisUpdate Time,
    //     nextUpdate Time OPTIONAL,
    //     revokedCertificates SEQUENCE OF SEQUENCE { userCertificate CertificateSerialNumber, revocationDate Time, crlEntryExtensions Extensions OPTIONAL } OPTIONAL,
    //     crlExtensions [0] EXPLICIT Extensions OPTIONAL }
    private static bool TryReadCrl(byte[] encoded, X509Certificate2 issuer, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out List<(BigInteger, DateTimeOffset)>? revoked)
    {
        revoked = null;
        try
        {
            AsnReader certificateList = new AsnReader(encoded, AsnEncodingRules.DER).ReadSequence();
            ReadOnlyMemory<byte> tbsBytes = certificateList.PeekEncodedValue();
            AsnReader tbs = certificateList.ReadSequence();
            AlgorithmIdentifier signatureAlgorithm = AlgorithmIdentifierReader.Read(certificateList);
            byte[] signature = certificateList.ReadBitString(out _);
            if (tbs.PeekTag() == Asn1Tag.Integer)
            {
                tbs.ReadInteger();
            }

            AlgorithmIdentifierReader.Read(tbs);
            ReadOnlyMemory<byte> issuerName = tbs.ReadEncodedValue();
            if (!issuerName.Span.SequenceEqual(issuer.SubjectName.RawData))
            {
                return false;
            }

            string? digestOid = SignatureAlgorithmReader.DigestOf(signatureAlgorithm);
            if (digestOid is null || !AlgorithmIdentifierReader.TryGetHashAlgorithm(digestOid, out HashAlgorithmName hash))
            {
                return false;
            }

            byte[] digest = AlgorithmIdentifierReader.Hash(hash, tbsBytes.Span);
            if (SignatureAlgorithmReader.Verify(issuer, signatureAlgorithm, new AlgorithmIdentifier(digestOid, null), hash, digest, signature) is not null)
            {
                return false;
            }

            AlgorithmIdentifierReader.ReadTime(tbs);
            var list = new List<(BigInteger, DateTimeOffset)>();
            if (tbs.HasData && (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || tbs.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime)))
            {
                AlgorithmIdentifierReader.ReadTime(tbs);
            }

            if (tbs.HasData && tbs.PeekTag() == Asn1Tag.Sequence)
            {
                AsnReader entries = tbs.ReadSequence();
                while (entries.HasData)
                {
                    AsnReader entry = entries.ReadSequence();
                    BigInteger serial = entry.ReadInteger();
                    DateTimeOffset date = AlgorithmIdentifierReader.ReadTime(entry);
                    list.Add((serial, date));
                }
            }

            revoked = list;
            return true;
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException)
        {
            return false;
        }
    }
}
