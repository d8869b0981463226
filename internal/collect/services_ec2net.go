package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// collectEC2Net reads the region's VPC networking beyond what collectEC2
// reads: subnets (public IP assignment), route tables (routes to internet
// gateways), network interfaces (which security groups are in use),
// Elastic IPs, transit gateways and Site-to-Site VPN connections. VPN
// connections carry the tunnels' pre-shared keys and the customer
// gateway configuration; snapshot.RedactJSON replaces them before they
// are stored.
func collectEC2Net(j *job, c *ec2.Client) {
	once(j, "DescribeSubnets", func(ctx context.Context) (*ec2.DescribeSubnetsOutput, error) {
		p := ec2.NewDescribeSubnetsPaginator(c, &ec2.DescribeSubnetsInput{})
		return allPages(ctx, &ec2.DescribeSubnetsOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeRouteTables", func(ctx context.Context) (*ec2.DescribeRouteTablesOutput, error) {
		p := ec2.NewDescribeRouteTablesPaginator(c, &ec2.DescribeRouteTablesInput{})
		return allPages(ctx, &ec2.DescribeRouteTablesOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeNetworkInterfaces", func(ctx context.Context) (*ec2.DescribeNetworkInterfacesOutput, error) {
		p := ec2.NewDescribeNetworkInterfacesPaginator(c, &ec2.DescribeNetworkInterfacesInput{})
		return allPages(ctx, &ec2.DescribeNetworkInterfacesOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeAddresses", func(ctx context.Context) (*ec2.DescribeAddressesOutput, error) {
		// DescribeAddresses is not paginated: one call lists every address.
		return c.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{})
	})
	once(j, "DescribeTransitGateways", func(ctx context.Context) (*ec2.DescribeTransitGatewaysOutput, error) {
		p := ec2.NewDescribeTransitGatewaysPaginator(c, &ec2.DescribeTransitGatewaysInput{})
		return allPages(ctx, &ec2.DescribeTransitGatewaysOutput{}, p.HasMorePages, p.NextPage)
	})
	once(j, "DescribeVpnConnections", func(ctx context.Context) (*ec2.DescribeVpnConnectionsOutput, error) {
		// Not paginated either.
		return c.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{})
	})
}
