package randreq

func (g *Generator) statement(withPrincipal bool) map[string]any {
	st := map[string]any{"Effect": "Allow"}
	if g.chance(0.3) {
		st["Effect"] = "Deny"
	}
	acts := g.actionPatterns()
	if g.chance(0.1) {
		st["NotAction"] = acts
	} else {
		st["Action"] = acts
	}
	res := g.resourcePatterns()
	if g.chance(0.08) {
		st["NotResource"] = res
	} else {
		st["Resource"] = res
	}
	if withPrincipal {
		p := g.principalElement()
		if g.chance(0.05) && st["Effect"] == "Deny" {
			st["NotPrincipal"] = p
		} else {
			st["Principal"] = p
		}
	}
	if g.chance(0.5) {
		st["Condition"] = g.condition()
	}
	return st
}

func (g *Generator) actionPatterns() any {
	all := []string{"*", "s3:*", "s3:Get*", "s3:GetObject", "s3:putobject", "s3:List*", "sqs:*", "sqs:SendMessage",
		"ec2:*", "ec2:Terminate*", "lambda:Invoke*", "dynamodb:GetItem", "secretsmanager:*", "iam:Get*", "s3:*Object", "sqs:?eceiveMessage"}
	n := 1 + g.r.IntN(2)
	if n == 1 {
		return g.pick(all)
	}
	return []string{g.pick(all), g.pick(all)}
}

func (g *Generator) resourcePatterns() any {
	all := []string{"*", "arn:aws:s3:::data-bucket", "arn:aws:s3:::data-bucket/*", "arn:aws:s3:::*/home/${aws:username}/*",
		"arn:aws:s3:::logs-bucket/*", "arn:aws:sqs:us-east-1:111111111111:*", "arn:aws:sqs:*:*:orders",
		"arn:aws:ec2:*:*:instance/*", "arn:aws:lambda:us-east-1:*:function:orders*", "arn:aws:dynamodb:*:111111111111:table/*",
		"arn:aws:secretsmanager:us-east-1:*:secret:audit-??????", "arn:aws:iam::*:user/${aws:username}", "arn:aws:s3:::data-bucket/public/*"}
	if g.chance(0.7) {
		return g.pick(all)
	}
	return []string{g.pick(all), g.pick(all)}
}

func (g *Generator) principalElement() any {
	switch g.r.IntN(8) {
	case 0, 1:
		return "*"
	case 2:
		return map[string]any{"AWS": AccountA}
	case 3:
		return map[string]any{"AWS": "arn:aws:iam::" + AccountB + ":root"}
	case 4:
		return map[string]any{"AWS": "arn:aws:iam::" + AccountA + ":user/" + g.pick(users)}
	case 5:
		return map[string]any{"AWS": "arn:aws:iam::" + AccountA + ":role/app"}
	case 6:
		return map[string]any{"Service": "cloudtrail.amazonaws.com"}
	}
	return map[string]any{"AWS": []string{"arn:aws:iam::" + AccountB + ":user/" + g.pick(users), AccountA}}
}

func (g *Generator) condition() map[string]any {
	c := map[string]any{}
	n := 1 + g.r.IntN(2)
	for range n {
		op, key, val := g.conditionTest()
		body, ok := c[op].(map[string]any)
		if !ok {
			body = map[string]any{}
			c[op] = body
		}
		body[key] = val
	}
	return c
}

func (g *Generator) conditionTest() (string, string, any) {
	switch g.r.IntN(14) {
	case 0:
		return g.pick([]string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringEqualsIfExists"}), "aws:PrincipalTag/team", g.pick(teams)
	case 1:
		return g.pick([]string{"StringLike", "StringNotLike"}), "aws:PrincipalTag/team", g.pick([]string{"r*", "*e*", "bl?e"})
	case 2:
		return g.pick([]string{"IpAddress", "NotIpAddress", "NotIpAddressIfExists"}), "aws:SourceIp", g.pick([]string{"10.0.0.0/8", "203.0.113.0/24", "2001:db8::/32"})
	case 3:
		return g.pick([]string{"Bool", "BoolIfExists"}), "aws:SecureTransport", g.pick([]string{"true", "false"})
	case 4:
		return g.pick([]string{"StringEquals", "StringNotEquals"}), "aws:RequestedRegion", []string{g.pick(regions), g.pick(regions)}
	case 5:
		return g.pick([]string{"NumericLessThan", "NumericGreaterThanEquals", "NumericLessThanIfExists"}), "aws:MultiFactorAuthAge", g.pick([]string{"3600", "600"})
	case 6:
		return g.pick([]string{"DateLessThan", "DateGreaterThan"}), "aws:CurrentTime", "2026-01-01T00:00:00Z"
	case 7:
		return g.pick([]string{"ForAllValues:StringEquals", "ForAnyValue:StringEquals", "ForAnyValue:StringLike"}), "aws:TagKeys", []string{"env", g.pick([]string{"team", "te*"})}
	case 8:
		return "Null", g.pick([]string{"aws:PrincipalTag/team", "aws:MultiFactorAuthAge", "aws:TagKeys"}), g.pick([]string{"true", "false"})
	case 9:
		return g.pick([]string{"StringEquals", "StringNotEquals"}), "aws:PrincipalAccount", AccountA
	case 10:
		return g.pick([]string{"ArnLike", "ArnNotLike"}), "aws:PrincipalArn", g.pick([]string{"arn:aws:iam::*:role/app", "arn:aws:iam::111111111111:user/*"})
	case 11:
		return g.pick([]string{"StringEquals", "StringNotEquals"}), "aws:ResourceAccount", AccountA
	case 12:
		return "StringLike", "aws:PrincipalTag/team", "${aws:PrincipalTag/team}"
	}
	return g.pick([]string{"BoolIfExists", "Bool"}), "aws:PrincipalIsAWSService", g.pick([]string{"true", "false"})
}
